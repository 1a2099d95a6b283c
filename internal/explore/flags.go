package explore

// This file is the one table of go test's flags (goTestFlags): what
// exploration does with each, and whether it takes a value, which every
// scanner of go test's arguments reads.

import "strings"

// flagKind says what simgen test does with a go test flag when it
// explores.
type flagKind int

const (
	kTest           flagKind = iota // a test binary flag with a value: -test.name=value for every process
	kTestBool                       // a boolean test binary flag
	kBuild                          // a build flag with a value: go list, go test -c, the replay line
	kBuildBool                      // a boolean build flag
	kVet                            // go test -c only
	kRerun                          // only for the rerun of the failing seed (-v, -failfast)
	kNoExplore                      // not supported when exploring
	kNoExploreValue                 // not supported when exploring, and takes a value
)

// A flag missing from goTestFlags must be looked up with its ok result:
// the zero kind is kTest, and an unknown flag is taken as boolean.

// goTestFlags is the one table of go test's flags (test binary, build and
// vet flags): what simgen test does with each when it explores, and, by
// kind, whether it takes a value as the next argument, which every scanner
// of go test's arguments must know so as not to take that value for a
// package. A flag not listed is taken as boolean; write -flag=value for any
// other. kNoExplore flags with a value are kNoExploreValue.
var goTestFlags = map[string]flagKind{
	"bench": kTest, "benchtime": kTest, "count": kTest, "cpu": kTest,
	"run": kTest, "skip": kTest, "shuffle": kTest, "timeout": kTest,
	// simgen test takes -parallel for itself (processes while exploring);
	// it is listed for the scanners, and passed to go test otherwise.
	"parallel": kTest,
	"benchmem": kTestBool, "fullpath": kTestBool, "short": kTestBool,
	"v": kRerun, "failfast": kRerun,
	"asmflags": kBuild, "buildmode": kBuild, "compiler": kBuild, "gccgoflags": kBuild,
	"gcflags": kBuild, "installsuffix": kBuild, "ldflags": kBuild, "mod": kBuild,
	"modfile": kBuild, "pgo": kBuild, "pkgdir": kBuild, "toolexec": kBuild,
	"covermode": kBuild, "coverpkg": kBuild, "p": kBuild,
	"a": kBuildBool, "race": kBuildBool, "msan": kBuildBool, "asan": kBuildBool,
	"cover": kBuildBool, "trimpath": kBuildBool, "work": kBuildBool, "x": kBuildBool,
	"linkshared": kBuildBool, "buildvcs": kBuildBool,
	"vet":  kVet,
	"json": kNoExplore, "c": kNoExplore, "n": kNoExplore,
	"exec": kNoExploreValue, "list": kNoExploreValue, "C": kNoExploreValue,
	"cpuprofile": kNoExploreValue, "memprofile": kNoExploreValue,
	"memprofilerate": kNoExploreValue, "blockprofile": kNoExploreValue, "blockprofilerate": kNoExploreValue,
	"mutexprofile": kNoExploreValue, "mutexprofilefraction": kNoExploreValue, "coverprofile": kNoExploreValue,
	"trace": kNoExploreValue, "outputdir": kNoExploreValue, "fuzz": kNoExploreValue, "fuzztime": kNoExploreValue,
	"fuzzminimizetime": kNoExploreValue,
}

// takesValue reports whether a flag of kind k takes a value, as the next
// argument unless written -flag=value.
func (k flagKind) takesValue() bool {
	switch k {
	case kTest, kBuild, kVet, kNoExploreValue:
		return true
	}
	return false
}

// TestPackages picks the package arguments out of go test's arguments.
func TestPackages(args []string) []string {
	var pkgs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			pkgs = append(pkgs, a)
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		if k, ok := goTestFlags[strings.TrimPrefix(name, "test.")]; ok && k.takesValue() {
			i++
		}
	}
	return pkgs
}

// hasFlag reports whether go test's arguments set the flag name.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-args" || a == "--args" {
			return false
		}
		n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (n == name || n == "test."+name) {
			return true
		}
	}
	return false
}

package rewrite

// The mapping table: which standard-library objects are replaced by which
// objects of the runtime. Rules look objects up here by their package path
// and name, never by the identifier text, so aliases and dot imports are
// covered.

import (
	"go/ast"
	"go/types"
	"slices"
)

const (
	simrtPath     = "simgen.dev/simgen/simrt"
	simatomicPath = "simgen.dev/simgen/simrt/simatomic"
	simrandPath   = "simgen.dev/simgen/simrt/simrand"
	simrandv2Path = "simgen.dev/simgen/simrt/simrandv2"
	simnetPath    = "simgen.dev/simgen/simrt/simnet"
	simosPath     = "simgen.dev/simgen/simrt/simos"
	simtlsPath    = "simgen.dev/simgen/simrt/simtls"
)

// target is where a mapped object lives in the runtime.
type target struct {
	path string // import path of the runtime package
	name string // exported name in that package
}

// anyName as the name of a key maps every exported object of the package to
// the object of the same name in the target package.
const anyName = "*"

// mapping is keyed by package path and object name.
var mapping = map[[2]string]target{
	// time: the clock, sleeps, and everything that owns a timer. time.Time
	// and time.Duration stay: they are plain values.
	{"time", "Now"}:       {simrtPath, "Now"},
	{"time", "Since"}:     {simrtPath, "Since"},
	{"time", "Until"}:     {simrtPath, "Until"},
	{"time", "Sleep"}:     {simrtPath, "Sleep"},
	{"time", "After"}:     {simrtPath, "After"},
	{"time", "AfterFunc"}: {simrtPath, "AfterFunc"},
	{"time", "Tick"}:      {simrtPath, "Tick"},
	{"time", "NewTimer"}:  {simrtPath, "NewTimer"},
	{"time", "NewTicker"}: {simrtPath, "NewTicker"},
	{"time", "Timer"}:     {simrtPath, "Timer"},
	{"time", "Ticker"}:    {simrtPath, "Ticker"},

	// sync: everything but Locker, which is an interface the runtime's
	// types satisfy as they are.
	{"sync", "Mutex"}:      {simrtPath, "Mutex"},
	{"sync", "RWMutex"}:    {simrtPath, "RWMutex"},
	{"sync", "WaitGroup"}:  {simrtPath, "WaitGroup"},
	{"sync", "Once"}:       {simrtPath, "Once"},
	{"sync", "Cond"}:       {simrtPath, "Cond"},
	{"sync", "NewCond"}:    {simrtPath, "NewCond"},
	{"sync", "Map"}:        {simrtPath, "Map"},
	{"sync", "Pool"}:       {simrtPath, "Pool"},
	{"sync", "OnceFunc"}:   {simrtPath, "OnceFunc"},
	{"sync", "OnceValue"}:  {simrtPath, "OnceValue"},
	{"sync", "OnceValues"}: {simrtPath, "OnceValues"},

	// sync/atomic: every operation is a scheduling point, so all of it.
	{"sync/atomic", anyName}: {simatomicPath, anyName},

	// context: everything that starts a timer or propagates cancellation.
	// Background, TODO, WithValue and WithoutCancel stay: they neither wait
	// nor cancel.
	{"context", "WithCancel"}:        {simrtPath, "WithCancel"},
	{"context", "WithCancelCause"}:   {simrtPath, "WithCancelCause"},
	{"context", "WithTimeout"}:       {simrtPath, "WithTimeout"},
	{"context", "WithTimeoutCause"}:  {simrtPath, "WithTimeoutCause"},
	{"context", "WithDeadline"}:      {simrtPath, "WithDeadline"},
	{"context", "WithDeadlineCause"}: {simrtPath, "WithDeadlineCause"},
	{"context", "AfterFunc"}:         {simrtPath, "ContextAfterFunc"},
	{"context", "Cause"}:             {simrtPath, "Cause"},

	// math/rand, math/rand/v2: the top-level functions, which draw from a
	// source seeded per process. Types, New and the sources stay: a source
	// seeded with a fixed value (or virtual time) is deterministic already.
	{"math/rand", "ExpFloat64"}:  {simrandPath, "ExpFloat64"},
	{"math/rand", "Float32"}:     {simrandPath, "Float32"},
	{"math/rand", "Float64"}:     {simrandPath, "Float64"},
	{"math/rand", "Int"}:         {simrandPath, "Int"},
	{"math/rand", "Int31"}:       {simrandPath, "Int31"},
	{"math/rand", "Int31n"}:      {simrandPath, "Int31n"},
	{"math/rand", "Int63"}:       {simrandPath, "Int63"},
	{"math/rand", "Int63n"}:      {simrandPath, "Int63n"},
	{"math/rand", "Intn"}:        {simrandPath, "Intn"},
	{"math/rand", "NormFloat64"}: {simrandPath, "NormFloat64"},
	{"math/rand", "Perm"}:        {simrandPath, "Perm"},
	{"math/rand", "Read"}:        {simrandPath, "Read"},
	{"math/rand", "Seed"}:        {simrandPath, "Seed"},
	{"math/rand", "Shuffle"}:     {simrandPath, "Shuffle"},
	{"math/rand", "Uint32"}:      {simrandPath, "Uint32"},
	{"math/rand", "Uint64"}:      {simrandPath, "Uint64"},

	{"math/rand/v2", "ExpFloat64"}:  {simrandv2Path, "ExpFloat64"},
	{"math/rand/v2", "Float32"}:     {simrandv2Path, "Float32"},
	{"math/rand/v2", "Float64"}:     {simrandv2Path, "Float64"},
	{"math/rand/v2", "Int"}:         {simrandv2Path, "Int"},
	{"math/rand/v2", "Int32"}:       {simrandv2Path, "Int32"},
	{"math/rand/v2", "Int32N"}:      {simrandv2Path, "Int32N"},
	{"math/rand/v2", "Int64"}:       {simrandv2Path, "Int64"},
	{"math/rand/v2", "Int64N"}:      {simrandv2Path, "Int64N"},
	{"math/rand/v2", "IntN"}:        {simrandv2Path, "IntN"},
	{"math/rand/v2", "N"}:           {simrandv2Path, "N"},
	{"math/rand/v2", "NormFloat64"}: {simrandv2Path, "NormFloat64"},
	{"math/rand/v2", "Perm"}:        {simrandv2Path, "Perm"},
	{"math/rand/v2", "Shuffle"}:     {simrandv2Path, "Shuffle"},
	{"math/rand/v2", "Uint"}:        {simrandv2Path, "Uint"},
	{"math/rand/v2", "UintN"}:       {simrandv2Path, "UintN"},
	{"math/rand/v2", "Uint32"}:      {simrandv2Path, "Uint32"},
	{"math/rand/v2", "Uint32N"}:     {simrandv2Path, "Uint32N"},
	{"math/rand/v2", "Uint64"}:      {simrandv2Path, "Uint64"},
	{"math/rand/v2", "Uint64N"}:     {simrandv2Path, "Uint64N"},

	// crypto/rand: deterministic (and not secure) under simulation.
	{"crypto/rand", "Read"}:   {simrtPath, "CryptoRead"},
	{"crypto/rand", "Reader"}: {simrtPath, "CryptoReader"},
	{"crypto/rand", "Text"}:   {simrtPath, "CryptoText"},

	// maps: the iterators walk a map in Go's random order.
	{"maps", "Keys"}:   {simrtPath, "MapKeys"},
	{"maps", "Values"}: {simrtPath, "MapValues"},
	{"maps", "All"}:    {simrtPath, "MapAll"},

	// In-memory pipes, which block on channels inside the standard library.
	{"io", "Pipe"}:       {simrtPath, "Pipe"},
	{"io", "PipeReader"}: {simrtPath, "PipeReader"},
	{"io", "PipeWriter"}: {simrtPath, "PipeWriter"},
	{"net", "Pipe"}:      {simnetPath, "Pipe"},

	// net: everything that opens, accepts or resolves (rule_net.go; Pipe
	// above is there too). The
	// interfaces (Conn, Listener, Addr, PacketConn), the address types (IP,
	// TCPAddr, UDPAddr, ...) and the errors stay: they are plain values the
	// simulated network hands out as they are.
	{"net", "Dial"}:            {simnetPath, "Dial"},
	{"net", "DialTimeout"}:     {simnetPath, "DialTimeout"},
	{"net", "Listen"}:          {simnetPath, "Listen"},
	{"net", "ListenPacket"}:    {simnetPath, "ListenPacket"},
	{"net", "DialTCP"}:         {simnetPath, "DialTCP"},
	{"net", "ListenTCP"}:       {simnetPath, "ListenTCP"},
	{"net", "DialUDP"}:         {simnetPath, "DialUDP"},
	{"net", "ListenUDP"}:       {simnetPath, "ListenUDP"},
	{"net", "ResolveTCPAddr"}:  {simnetPath, "ResolveTCPAddr"},
	{"net", "ResolveUDPAddr"}:  {simnetPath, "ResolveUDPAddr"},
	{"net", "ResolveIPAddr"}:   {simnetPath, "ResolveIPAddr"},
	{"net", "LookupHost"}:      {simnetPath, "LookupHost"},
	{"net", "LookupIP"}:        {simnetPath, "LookupIP"},
	{"net", "LookupAddr"}:      {simnetPath, "LookupAddr"},
	{"net", "LookupPort"}:      {simnetPath, "LookupPort"},
	{"net", "Dialer"}:          {simnetPath, "Dialer"},
	{"net", "ListenConfig"}:    {simnetPath, "ListenConfig"},
	{"net", "TCPConn"}:         {simnetPath, "TCPConn"},
	{"net", "TCPListener"}:     {simnetPath, "TCPListener"},
	{"net", "UDPConn"}:         {simnetPath, "UDPConn"},
	{"net", "Resolver"}:        {simnetPath, "Resolver"},
	{"net", "DefaultResolver"}: {simnetPath, "DefaultResolver"},
	// crypto/tls dials and listens with net's own Dialer and Listen (and
	// tls.Dialer holds a *net.Dialer). Only where crypto/tls stays native
	// (rule_net.go): these open the connection under TLS on the simulated
	// network. Where it is rewritten in place, its own do.
	{"crypto/tls", "Dial"}:           {simtlsPath, "Dial"},
	{"crypto/tls", "DialWithDialer"}: {simtlsPath, "DialWithDialer"},
	{"crypto/tls", "Dialer"}:         {simtlsPath, "Dialer"},
	{"crypto/tls", "Listen"}:         {simtlsPath, "Listen"},

	// os, io/ioutil, path/filepath: files and the file system, onto the
	// simulated disk (rule_os.go). *os.File values that cross to or from
	// code that is not rewritten are converted (rule_osfile.go). Everything
	// else in os stays: the errors, FileMode, FileInfo, DirEntry, and the
	// calls simos does not cover (blocking.go lists those that touch the
	// real file system).
	{"os", "File"}:       {simosPath, "File"},
	{"os", "Create"}:     {simosPath, "Create"},
	{"os", "Open"}:       {simosPath, "Open"},
	{"os", "OpenFile"}:   {simosPath, "OpenFile"},
	{"os", "ReadFile"}:   {simosPath, "ReadFile"},
	{"os", "WriteFile"}:  {simosPath, "WriteFile"},
	{"os", "Rename"}:     {simosPath, "Rename"},
	{"os", "Remove"}:     {simosPath, "Remove"},
	{"os", "RemoveAll"}:  {simosPath, "RemoveAll"},
	{"os", "Mkdir"}:      {simosPath, "Mkdir"},
	{"os", "MkdirAll"}:   {simosPath, "MkdirAll"},
	{"os", "MkdirTemp"}:  {simosPath, "MkdirTemp"},
	{"os", "CreateTemp"}: {simosPath, "CreateTemp"},
	{"os", "ReadDir"}:    {simosPath, "ReadDir"},
	{"os", "Stat"}:       {simosPath, "Stat"},
	{"os", "Lstat"}:      {simosPath, "Lstat"},
	{"os", "Truncate"}:   {simosPath, "Truncate"},
	{"os", "Chmod"}:      {simosPath, "Chmod"},
	{"os", "DirFS"}:      {simosPath, "DirFS"},
	// A real pipe whose simulated ends wait under the scheduler (pipe.go).
	{"os", "Pipe"}: {simosPath, "Pipe"},
	// simos has these too: a node must not change the host's files, and
	// os.SameFile cannot compare the FileInfo of a node's file.
	{"os", "Chown"}:    {simosPath, "Chown"},
	{"os", "Lchown"}:   {simosPath, "Lchown"},
	{"os", "Chtimes"}:  {simosPath, "Chtimes"},
	{"os", "Symlink"}:  {simosPath, "Symlink"},
	{"os", "Readlink"}: {simosPath, "Readlink"},
	{"os", "Chdir"}:    {simosPath, "Chdir"},
	{"os", "Getwd"}:    {simosPath, "Getwd"},
	{"os", "SameFile"}: {simosPath, "SameFile"},

	{"io/ioutil", "ReadFile"}:  {simosPath, "ReadFile"},
	{"io/ioutil", "WriteFile"}: {simosPath, "WriteFile"},
	{"io/ioutil", "ReadDir"}:   {simosPath, "IoutilReadDir"},
	{"io/ioutil", "TempFile"}:  {simosPath, "TempFile"},
	{"io/ioutil", "TempDir"}:   {simosPath, "TempDir"},

	{"path/filepath", "Walk"}:    {simosPath, "Walk"},
	{"path/filepath", "WalkDir"}: {simosPath, "WalkDir"},

	// os/signal: the functions that take a channel (rule_signal.go).
	{"os/signal", "Notify"}: {simrtPath, "SignalNotify"},
	{"os/signal", "Stop"}:   {simrtPath, "SignalStop"},

	// testing: the iteration counter of a parallel benchmark, whose body
	// runs on simulated goroutines (see testingCall).
	{"testing", "PB"}: {simrtPath, "PB"},

	// testing/synctest: a world is a bubble already (simrt/synctest.go).
	{"testing/synctest", "Test"}: {simrtPath, "SyncTest"},
	{"testing/synctest", "Wait"}: {simrtPath, "SyncWait"},

	// runtime: only what touches goroutines.
	{"runtime", "Gosched"}:        {simrtPath, "Gosched"},
	{"runtime", "SetFinalizer"}:   {simrtPath, "SetFinalizer"},
	{"runtime", "AddCleanup"}:     {simrtPath, "AddCleanup"},
	{"runtime", "NumGoroutine"}:   {simrtPath, "NumGoroutine"},
	{"runtime", "Goexit"}:         {simrtPath, "Goexit"},
	{"runtime", "LockOSThread"}:   {simrtPath, "LockOSThread"},
	{"runtime", "UnlockOSThread"}: {simrtPath, "UnlockOSThread"},
	// Stack of every goroutine, without the simulation's own (leak checkers).
	{"runtime", "Stack"}: {simrtPath, "Stack"},
}

// lookup returns the runtime object that replaces pkgPath.name.
func lookup(pkgPath, name string) (target, bool) {
	if t, ok := mapping[[2]string{pkgPath, name}]; ok {
		return t, true
	}
	if t, ok := mapping[[2]string{pkgPath, anyName}]; ok && isExported(name) {
		return target{t.path, name}, true
	}
	return target{}, false
}

func isExported(name string) bool {
	return name != "" && name[0] >= 'A' && name[0] <= 'Z'
}

// mappedRef rewrites a reference to a mapped object of one of pkgs: a
// qualified identifier (time.Sleep) or a dot-imported one (Sleep). It
// records the qualifier it drops, so an import left without uses becomes a
// blank import.
func (r *fileRewriter) mappedRef(n ast.Node, pkgs ...string) (string, bool) {
	var id *ast.Ident
	var qual *ast.Ident
	switch n := n.(type) {
	case *ast.SelectorExpr:
		x, ok := n.X.(*ast.Ident)
		if !ok {
			return "", false
		}
		if _, ok := r.info.Uses[x].(*types.PkgName); !ok {
			return "", false
		}
		id, qual = n.Sel, x
	case *ast.Ident:
		if r.sels[n] {
			return "", false
		}
		id = n
	default:
		return "", false
	}
	obj := r.info.Uses[id]
	if obj == nil || obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() || !slices.Contains(pkgs, obj.Pkg().Path()) {
		return "", false
	}
	tg, ok := lookup(obj.Pkg().Path(), obj.Name())
	if !ok {
		return "", false
	}
	if qual != nil {
		r.dropped[qual] = true
	} else {
		r.droppedDot[obj.Pkg().Path()]++
	}
	r.count(obj.Pkg().Path() + "." + obj.Name())
	return r.pkgName(tg.path) + "." + tg.name, true
}

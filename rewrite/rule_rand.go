package rewrite

// Rule: randomness, drawn from the seed.
//
//	n := rand.Intn(10)        (math/rand)      n := simrand.Intn(10)
//	x := rand.N(time.Second)  (math/rand/v2) -> x := simrandv2.N(time.Second)
//	rand.Read(key)            (crypto/rand)    simrt.CryptoRead(key)
//
// Only the top-level functions (and crypto/rand.Reader) move: rand.New with
// a seeded source is deterministic as it is. crypto/rand becomes a
// deterministic, insecure generator under the sim tag only.

import "go/ast"

func (r *fileRewriter) ruleRand(n ast.Node) (string, bool) {
	return r.mappedRef(n, "math/rand", "math/rand/v2", "crypto/rand")
}

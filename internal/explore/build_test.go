package explore

import (
	"testing"
)

func TestRunPatternParts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ run, top, sub string }{
		{"", "", ""},
		{"TestA", "TestA", ""},
		{"TestA/sub", "TestA", "/sub"},
		{"Test[/]x/y", "Test[/]x", "/y"},
		{`Test\/x/y`, `Test\/x`, "/y"},
		{"(A|B/C)/D", "(A|B/C)", "/D"},
	} {
		if top, sub := topPattern(tc.run), subPattern(tc.run); top != tc.top || sub != tc.sub {
			t.Errorf("%q: top %q sub %q, want %q %q", tc.run, top, sub, tc.top, tc.sub)
		}
	}
}

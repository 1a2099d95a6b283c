package simrt

import "testing"

// This file must never reach a shadow tree: it would not even compile there.
func TestNotCopied(t *testing.T) { undefinedOnPurpose() }

// Package sub is a subpackage of the fake runtime.
package sub

// Name is what the fake runtime calls itself.
const Name = "fakert"

package rewrite

// Rule: channel types, wherever they are spelled.
//
//	type Pipe[T any] struct{ ch chan T }         type Pipe[T any] struct{ ch *simrt.Chan[T] }
//	func Merge[T any](cs ...<-chan T) <-chan T   func Merge[T any](cs ...*simrt.Chan[T]) *simrt.Chan[T]
//	requests := make(chan chan int)          ->  requests := simrt.MakeChan[*simrt.Chan[int]](0)
//	type Stream chan<- int                       type Stream *simrt.Chan[int]
//	(<-chan int)(c)                              (*simrt.Chan[int])(c)
//
// All three directions become the same pointer type, so nil, ==, map keys
// and assignability keep working without conversions. The cost is that
// types differing only in direction become identical; check() reports where
// that changes a program (type switches, union constraints).

import "go/ast"

func (r *fileRewriter) ruleChanType(n ast.Node) (string, bool) {
	ct, ok := n.(*ast.ChanType)
	if !ok || r.keepChan[ct] {
		return "", false
	}
	elem := unparen(ct.Value)
	r.count("chan type")
	if r.valSpec[ct] {
		return r.rt("ChanVal") + "[" + r.glue(ct.Pos(), ct.End(), elem) + r.text(elem) + "]", true
	}
	return "*" + r.rt("Chan") + "[" + r.glue(ct.Pos(), ct.End(), elem) + r.text(elem) + "]", true
}

package rewrite

// Rule: os/signal's functions that take a channel.
//
//	c := make(chan os.Signal, 1)     c := simrt.MakeChan[os.Signal](1)
//	signal.Notify(c, os.Interrupt) ->  simrt.SignalNotify(c, os.Interrupt)
//	signal.Stop(c)                     simrt.SignalStop(c)
//
// A simulation delivers no operating-system signals (blocking.go still
// warns at Notify), but a program that registers for them, a server's main
// most often, must build: passing a simulated channel to the real Notify is
// impossible. SignalNotify catches the signals for real, so they do not end
// the process, and never sends them on c. NotifyContext, Ignore and Reset
// take no channel and stay.

import "go/ast"

func (r *fileRewriter) ruleSignal(n ast.Node) (string, bool) {
	return r.mappedRef(n, "os/signal")
}

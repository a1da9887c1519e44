/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
// Package progress prints the steps of long CLI operations with their
// durations, to stderr, in the style of kind: "• step ..." then "✓ step [1.2s]".
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Printer writes step lines. A nil *Printer prints nothing.
type Printer struct {
	mu  sync.Mutex
	out io.Writer
	now func() time.Time
}

// New returns a Printer writing to out.
func New(out io.Writer) *Printer { return &Printer{out: out, now: time.Now} }

// Step announces a step and returns the function that closes it with its
// outcome and duration.
func (p *Printer) Step(format string, args ...any) func(err error) {
	if p == nil || p.out == nil {
		return func(error) {}
	}
	name := fmt.Sprintf(format, args...)
	start := p.now()
	p.printf(" • %s ...\n", name)
	return func(err error) {
		took := p.now().Sub(start).Round(100 * time.Millisecond)
		if err != nil {
			p.printf(" ✗ %s [%s]\n", name, took)
			return
		}
		p.printf(" ✓ %s [%s]\n", name, took)
	}
}

// Info prints a free-form line under the current step.
func (p *Printer) Info(format string, args ...any) {
	if p == nil || p.out == nil {
		return
	}
	p.printf("   %s\n", fmt.Sprintf(format, args...))
}

func (p *Printer) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, format, args...)
}

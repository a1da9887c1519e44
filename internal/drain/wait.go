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

package drain

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Defaults of a drain's wait.
const (
	DefaultTimeout      = 5 * time.Minute
	DefaultPollInterval = time.Second
)

// WaitOptions say how Wait polls and whom it tells.
type WaitOptions struct {
	Interval time.Duration
	Timeout  time.Duration
	// Progress, if set, is called with the number of bindings left on a
	// cluster the first time and whenever that number changes, in the
	// order of the names given to Wait.
	Progress func(cluster string, left int)
}

// Wait polls until no binding is left on the named clusters (see
// ClusterBindings.Left), starting from state as read by Bindings. A
// transient API error is retried until the deadline; at the deadline it
// returns a *TimeoutError, and ctx's error if ctx ends first.
func Wait(ctx context.Context, c client.Reader, names []string, state map[string]ClusterBindings, o WaitOptions) error {
	reported := map[string]int{} // the count last reported per cluster
	report := func() bool {
		done := true
		for _, name := range names {
			n := len(state[name].Left())
			if last, seen := reported[name]; (!seen || last != n) && o.Progress != nil {
				o.Progress(name, n)
			}
			reported[name] = n
			done = done && n == 0
		}
		return done
	}
	if report() {
		return nil
	}
	var lastErr error
	err := wait.PollUntilContextTimeout(ctx, o.Interval, o.Timeout, false, func(ctx context.Context) (bool, error) {
		s, err := Bindings(ctx, c, names)
		if err != nil {
			lastErr = err
			return false, nil
		}
		lastErr, state = nil, s
		return report(), nil
	})
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	timeout := &TimeoutError{Timeout: o.Timeout, LastErr: lastErr}
	for _, name := range names {
		if left := state[name].Left(); len(left) > 0 {
			timeout.Left = append(timeout.Left, ClusterLeft{Cluster: name, Bindings: left})
		}
	}
	return timeout
}

// TimeoutError is a drain that did not end within its timeout.
type TimeoutError struct {
	Timeout time.Duration
	// Left are the clusters still holding bindings, in the order they were
	// named.
	Left []ClusterLeft
	// LastErr is the error of the last poll, if it failed.
	LastErr error
}

// ClusterLeft are the bindings still on one cluster.
type ClusterLeft struct {
	Cluster  string
	Bindings []string
}

func (e *TimeoutError) Error() string {
	left := make([]string, len(e.Left))
	for i, l := range e.Left {
		left[i] = fmt.Sprintf("%s left on %s: %s", CountBindings(len(l.Bindings)), l.Cluster, strings.Join(l.Bindings, ", "))
	}
	msg := fmt.Sprintf("timed out after %s waiting for the drain: %s", e.Timeout, strings.Join(left, "; "))
	if e.LastErr != nil {
		msg += fmt.Sprintf(" (last error: %v)", e.LastErr)
	}
	return msg
}

// CountBindings is "1 binding" or "n bindings".
func CountBindings(n int) string {
	if n == 1 {
		return "1 binding"
	}
	return fmt.Sprintf("%d bindings", n)
}

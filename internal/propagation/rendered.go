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
package propagation

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// FailureMessage lists render failures by cluster name, in order:
// "cluster: error; cluster2: error", as the binding's Rendered condition
// and 'kurator schedule' report them.
func FailureMessage(failures map[string]string) string {
	names := make([]string, 0, len(failures))
	for n := range failures {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + ": " + failures[n]
	}
	return strings.Join(parts, "; ")
}

// RenderedCondition is the binding's Rendered condition after rendering for
// clusters target clusters with these failures (cluster to error). It
// carries no observedGeneration: it is written when what it says changes,
// not for every decision (an eviction changes the generation twice and
// rarely the rendering).
func RenderedCondition(failures map[string]string, clusters int) metav1.Condition {
	if len(failures) == 0 {
		return metav1.Condition{Type: workv1alpha2.ConditionRendered, Status: metav1.ConditionTrue, Reason: workv1alpha2.BindingReasonRenderSucceeded,
			Message: fmt.Sprintf("rendered for all %d clusters", clusters)}
	}
	return metav1.Condition{Type: workv1alpha2.ConditionRendered, Status: metav1.ConditionFalse, Reason: workv1alpha2.BindingReasonOverrideFailed,
		Message: FailureMessage(failures)}
}

// RenderFailures reads back, from a binding's Rendered condition, the
// failure of each of the given target clusters (those not listed rendered).
// The clusters are known, so an error text holding "; " is not cut short.
func RenderFailures(conditions []metav1.Condition, targets []workv1alpha2.TargetCluster) map[string]string {
	c := findCondition(conditions, workv1alpha2.ConditionRendered)
	if c == nil || c.Status != metav1.ConditionFalse {
		return nil
	}
	msg := c.Message
	// Each failure starts at the message's start or after "; ", with a
	// target's name and ": ".
	type start struct{ at, text int }
	starts := map[string]start{}
	for _, t := range targets {
		prefix := t.Name + ": "
		for from := 0; from < len(msg); {
			i := strings.Index(msg[from:], prefix)
			if i < 0 {
				break
			}
			i += from
			if i == 0 || strings.HasSuffix(msg[:i], "; ") {
				starts[t.Name] = start{at: i, text: i + len(prefix)}
				break
			}
			from = i + 1
		}
	}
	out := make(map[string]string, len(starts))
	for name, s := range starts {
		end := len(msg)
		for _, other := range starts {
			if other.at > s.at && other.at-2 < end {
				end = other.at - 2
			}
		}
		out[name] = msg[s.text:end]
	}
	return out
}

func findCondition(conditions []metav1.Condition, t string) *metav1.Condition {
	for i := range conditions {
		if conditions[i].Type == t {
			return &conditions[i]
		}
	}
	return nil
}

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

package detector

import "testing"

// TestOwnAPIsAreNeverPropagated: policies selecting Kurator's or Karmada's
// own kinds (a KarmadaConfig among them) never get them propagated.
func TestOwnAPIsAreNeverPropagated(t *testing.T) {
	for _, group := range []string{"karmada.io", "config.karmada.io", "cluster.karmada.io", "policy.karmada.io", "work.karmada.io", "fleet.kurator.dev", "cluster.kurator.dev"} {
		if !skippedGroup(group) {
			t.Errorf("%s objects would be propagated", group)
		}
	}
	for _, group := range []string{"", "apps", "autoscaling.karmada.io", "networking.istio.io"} {
		if skippedGroup(group) {
			t.Errorf("%s objects would never be propagated", group)
		}
	}
}

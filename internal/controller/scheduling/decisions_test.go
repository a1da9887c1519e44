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

package scheduling

import "testing"

func TestDecisionsRememberTheGenerationDecided(t *testing.T) {
	var d decisions
	if d.decided("ns/a", 2) {
		t.Fatal("nothing was recorded yet")
	}
	d.record("ns/a", 2)
	if !d.decided("ns/a", 2) || d.decided("ns/a", 3) || d.decided("ns/b", 2) {
		t.Fatal("decided must hold for the recorded binding and generation only")
	}
	d.record("ns/a", 3)
	if d.decided("ns/a", 2) || !d.decided("ns/a", 3) {
		t.Error("a later decision replaces the earlier one")
	}
	d.forget("ns/a")
	if d.decided("ns/a", 3) {
		t.Error("forget drops the record")
	}
}

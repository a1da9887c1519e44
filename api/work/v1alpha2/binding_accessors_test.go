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

package v1alpha2

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// A label change keeps a template's generation but must reach its Works:
// it changes the version. A policy's claim does not, as the detector
// records the version while it claims.
func TestTemplateVersionFollowsLabelsButNotTheClaim(t *testing.T) {
	tpl := func(generation int64, labels map[string]string) *metav1.ObjectMeta {
		return &metav1.ObjectMeta{Generation: generation, ResourceVersion: "77", Labels: labels}
	}
	plain := TemplateVersion(tpl(3, nil))
	if plain != "3" {
		t.Fatalf("without labels: %q; want the generation", plain)
	}
	labelled := TemplateVersion(tpl(3, map[string]string{"app": "web"}))
	if !strings.HasPrefix(labelled, "3-") {
		t.Fatalf("with a label: %q; want the generation and a digest", labelled)
	}
	marked := TemplateVersion(tpl(3, map[string]string{"app": "web", "autoscaling.kurator.dev/metrics-reported": "true"}))
	if marked == labelled {
		t.Errorf("a label added: the version stays %q", marked)
	}
	if v := TemplateVersion(tpl(3, map[string]string{"app": "api"})); v == labelled {
		t.Errorf("a label value changed: the version stays %q", v)
	}
	claimed := TemplateVersion(tpl(3, map[string]string{"app": "web", policyv1alpha1.PropagationPolicyPermanentIDLabel: "uid"}))
	if claimed != labelled {
		t.Errorf("claimed: %q; want %q as before the claim", claimed, labelled)
	}
	if v := TemplateVersion(tpl(0, map[string]string{"app": "web"})); v != "rv-77" {
		t.Errorf("a kind without generation: %q; want rv-77", v)
	}
}

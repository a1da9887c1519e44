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

package rollout

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// Revision identifies what a rendered manifest runs, leaving out what
// changes without a new release: its spec.replicas (set per cluster by the
// division, or by scaling) and the template generation Kurator stamps on it.
// Kinds that scale by other fields (a Job's parallelism) see scaling as a
// new revision.
// Two manifests with the same revision differ only in scale, which a
// staged rollout never holds back.
func Revision(m *unstructured.Unstructured) (string, error) {
	c := m.DeepCopy()
	annotations := c.GetAnnotations()
	delete(annotations, workv1alpha1.ResourceTemplateGenerationAnnotation)
	c.SetAnnotations(annotations)
	unstructured.RemoveNestedField(c.Object, "spec", "replicas")
	raw, err := json.Marshal(c.Object) // map keys are sorted: stable
	if err != nil {
		return "", fmt.Errorf("revision of %s %s: %w", c.GetKind(), c.GetName(), err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:16], nil
}

// WithReplicasOf returns m carrying the replicas (spec.replicas) of current,
// so a held or restored revision still follows scaling. With current set, it
// also carries current's template generation: a released cluster runs the
// template as it is now, while a held one keeps its older generation, so the
// fleet's status (and kubectl rollout status) still waits for it.
func WithReplicasOf(m, current *unstructured.Unstructured, isCurrent bool) *unstructured.Unstructured {
	out := m.DeepCopy()
	if r, found, err := unstructured.NestedFieldNoCopy(current.Object, "spec", "replicas"); err == nil && found {
		_ = unstructured.SetNestedField(out.Object, r, "spec", "replicas")
	}
	if gen, ok := current.GetAnnotations()[workv1alpha1.ResourceTemplateGenerationAnnotation]; ok && isCurrent {
		annotations := out.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[workv1alpha1.ResourceTemplateGenerationAnnotation] = gen
		out.SetAnnotations(annotations)
	}
	return out
}

// Snapshot is what a run freezes at its start: every cluster's manifest as
// it ran (Previous) and as the new revision renders it (Target), with the
// overrides then in force. It is stored as the data of a ControllerRevision.
type Snapshot struct {
	Revision string                                `json:"revision"`
	Previous map[string]*unstructured.Unstructured `json:"previous"`
	Target   map[string]*unstructured.Unstructured `json:"target"`
}

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

package scenario

import (
	"fmt"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/render"
)

// RenderError lists the clusters whose manifest could not be rendered,
// with the error of each.
type RenderError struct {
	// Failures maps a cluster name to its error.
	Failures map[string]string
}

func (e *RenderError) Error() string {
	return "override failed for " + propagation.FailureMessage(e.Failures)
}

// Works renders the template for every cluster of rb's decision, with the
// scenario's Clusters and override policies, as the binding controller
// does, and returns the Works it would write: one per cluster, in
// spec.clusters order, named as the controller names it, in the cluster's
// execution namespace (karmada-es-<cluster>), holding the rendered
// manifest. It sets rb's Rendered condition as the controller does. A
// cluster whose manifest cannot be rendered has no Work and is reported in
// a *RenderError; the other clusters' Works are still returned.
func (s *Scenario) Works(rb *workv1alpha2.ResourceBinding) ([]*workv1alpha1.Work, error) {
	clusters := make(map[string]*karmadaclusterv1alpha1.Cluster, len(s.Clusters))
	for _, c := range s.Clusters {
		clusters[c.Name] = c
	}
	var works []*workv1alpha1.Work
	failures := map[string]string{}
	for _, target := range rb.Spec.Clusters {
		m, _, err := render.Manifest(s.Template, rb, target, clusters[target.Name], s.Overrides)
		if err != nil {
			failures[target.Name] = err.Error()
			continue
		}
		raw, err := m.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", target.Name, err)
		}
		w := &workv1alpha1.Work{TypeMeta: metav1.TypeMeta{APIVersion: workv1alpha1.SchemeGroupVersion.String(), Kind: "Work"}}
		propagation.SetWork(w, rb, target.Name, raw)
		works = append(works, w)
	}
	apimeta.SetStatusCondition(&rb.Status.Conditions, propagation.RenderedCondition(failures, len(rb.Spec.Clusters)))
	if len(failures) > 0 {
		return works, &RenderError{Failures: failures}
	}
	return works, nil
}

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
	"context"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

func TestPropagated(t *testing.T) {
	hpaGVK := autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler")
	hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "prod", Labels: map[string]string{"tier": "front"}}}
	selector := func(labels map[string]string) []policyv1alpha1.ResourceSelector {
		return []policyv1alpha1.ResourceSelector{{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler", LabelSelector: &metav1.LabelSelector{MatchLabels: labels}}}
	}
	cases := map[string]struct {
		objs []client.Object
		want bool
	}{
		"nothing propagates it": {},
		"its binding exists":    {want: true, objs: []client.Object{&workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "web-horizontalpodautoscaler", Namespace: "prod"}}}},
		"a policy of its namespace selects it": {want: true, objs: []client.Object{&policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "prod"},
			Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: selector(map[string]string{"tier": "front"})}}}},
		"a policy of another namespace does not": {objs: []client.Object{&policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "dev"},
			Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: selector(map[string]string{"tier": "front"})}}}},
		"a policy selecting other labels does not": {objs: []client.Object{&policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "prod"},
			Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: selector(map[string]string{"tier": "back"})}}}},
		"a cluster-wide policy selects it": {want: true, objs: []client.Object{&policyv1alpha1.ClusterPropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "c"},
			Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: selector(nil)}}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme.Scheme)).WithObjects(tc.objs...).Build()
			got, err := Propagated(context.Background(), c, hpaGVK, hpa)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("propagated %t, want %t", got, tc.want)
			}
		})
	}
}

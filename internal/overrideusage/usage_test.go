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

package overrideusage

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
	"kurator.dev/kurator/internal/render"
	"kurator.dev/kurator/internal/scheme"
)

func seed03Policy(t *testing.T) *policyv1alpha1.OverridePolicy {
	t.Helper()
	data, err := os.ReadFile("../../examples/seed/03-cross-cloud-override.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := &policyv1alpha1.OverridePolicy{}
	if err := yaml.UnmarshalStrict(data, p); err != nil {
		t.Fatal(err)
	}
	p.Namespace, p.UID = "default", "op-uid"
	return p
}

// renderedWork is the Work the binding controller writes for global-app in
// cluster, rendered through policies.
func renderedWork(t *testing.T, b *workv1alpha2.ResourceBinding, cluster string, policies []overrides.Policy) *workv1alpha1.Work {
	t.Helper()
	tpl := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "global-app", "namespace": "default"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "app", "image": "nginx:1.25"}}}}},
	}}
	c := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: cluster}}
	m, _, err := render.Manifest(tpl, b, workv1alpha2.TargetCluster{Name: cluster}, c, policies)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return &workv1alpha1.Work{
		ObjectMeta: metav1.ObjectMeta{Name: workv1alpha2.WorkName(b), Namespace: workv1alpha1.ExecutionNamespace(cluster),
			Labels: map[string]string{workv1alpha1.BindingNamespaceLabel: b.Namespace, workv1alpha1.BindingNameLabel: b.Name}},
		Spec: workv1alpha1.WorkSpec{Workload: workv1alpha1.WorkloadTemplate{Manifests: []workv1alpha1.Manifest{{RawExtension: runtime.RawExtension{Raw: raw}}}}},
	}
}

func TestOverrideUsage(t *testing.T) {
	op := seed03Policy(t)
	seed := []overrides.Policy{{Name: op.Name, Namespace: op.Namespace, Spec: &op.Spec}}
	b := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "global-app-deployment", Namespace: "default", UID: "rb-uid"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "global-app"},
			Clusters: []workv1alpha2.TargetCluster{{Name: "cluster-frankfurt"}, {Name: "cluster-hangzhou"}, {Name: "cluster-shanghai"}, {Name: "cluster-tokyo"}},
		},
		Status: workv1alpha2.ResourceBindingStatus{Conditions: []metav1.Condition{{
			Type: workv1alpha2.ConditionRendered, Status: metav1.ConditionFalse, Reason: workv1alpha2.BindingReasonOverrideFailed,
			Message: "cluster-shanghai: policy other: overrideRules[0]: plaintext[0]: boom; cluster-tokyo: policy default/cross-cloud-config: overrideRules[2]: imageOverrider[0]: bad",
		}}},
	}
	// A namespaced policy of the same name elsewhere, and a cluster policy.
	otherNS := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "global-app-deployment", Namespace: "prod"}}
	otherNSWork := renderedWork(t, otherNS, "cluster-hangzhou", []overrides.Policy{{Name: op.Name, Namespace: "default", Spec: &op.Spec}})
	otherNSWork.Labels[workv1alpha1.BindingNamespaceLabel] = "prod"
	cop := []overrides.Policy{{Name: "cross-cloud-config", Spec: &policyv1alpha1.OverrideSpec{Overriders: policyv1alpha1.Overriders{
		LabelsOverrider: []policyv1alpha1.LabelAnnotationOverrider{{Operator: policyv1alpha1.OverriderOpAdd, Value: map[string]string{"a": "b"}}}}}}}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	event := func(name, reason, note string, uid string, ago time.Duration) *eventsv1.Event {
		return &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}, EventTime: metav1.NewMicroTime(now.Add(-ago)),
			Type: corev1.EventTypeWarning, Reason: reason, Note: note, ReportingController: "kurator-binding", Action: "Render",
			Regarding: corev1.ObjectReference{UID: types.UID(uid)}}
	}
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(
		op, b,
		renderedWork(t, b, "cluster-hangzhou", seed),
		renderedWork(t, b, "cluster-frankfurt", seed),
		renderedWork(t, b, "cluster-shanghai", seed), // no rule for shanghai: no annotation
		otherNSWork,
		renderedWork(t, &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "default"}}, "cluster-frankfurt", cop),
		event("e1", workv1alpha2.BindingReasonOverrideFailed, b.Status.Conditions[0].Message, "rb-uid", time.Minute),
		event("e2", workv1alpha2.BindingReasonOverrideFailed, "cluster-shanghai: policy other: boom", "rb-uid", 2*time.Minute),
		event("e3", "Scheduled", "Scheduled to cluster-hangzhou", "rb-uid", 3*time.Minute),
		event("e4", "Updated", "about the policy itself", "op-uid", 4*time.Minute),
	).Build()

	u, err := Of(context.Background(), c, "default", op.Name, op.UID)
	if err != nil {
		t.Fatal(err)
	}
	wantApplied := []Applied{
		{Template: "Deployment default/global-app", Cluster: "cluster-frankfurt", Rules: []int{1}},
		{Template: "Deployment default/global-app", Cluster: "cluster-hangzhou", Rules: []int{0}},
	}
	if d := cmp.Diff(wantApplied, u.Applied); d != "" {
		t.Errorf("applied (-want +got):\n%s", d)
	}
	wantFailures := []Failure{{Binding: "default/global-app-deployment", Cluster: "cluster-tokyo",
		Message: "policy default/cross-cloud-config: overrideRules[2]: imageOverrider[0]: bad"}}
	if d := cmp.Diff(wantFailures, u.Failures); d != "" {
		t.Errorf("failures (-want +got):\n%s", d)
	}
	var reasons []string
	for _, e := range u.Events {
		reasons = append(reasons, e.Name)
	}
	if d := cmp.Diff([]string{"e4", "e1"}, reasons); d != "" {
		t.Errorf("events, oldest first (-want +got):\n%s", d)
	}

	// The ClusterOverridePolicy of the same name is told apart.
	u, err = Of(context.Background(), c, "", "cross-cloud-config", "cop-uid")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Applied) != 1 || u.Applied[0].Template != "Deployment default/global-app" || u.Applied[0].Cluster != "cluster-frankfurt" ||
		len(u.Failures) != 0 || len(u.Events) != 0 {
		t.Errorf("cluster policy usage %+v", u)
	}
}

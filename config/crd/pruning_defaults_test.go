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

package crd_test

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// TestUnknownFieldsArePruned checks that the admission helper reports
// pruned fields, so that TestExamplesAreAdmitted can rely on it.
func TestUnknownFieldsArePruned(t *testing.T) {
	admitters := newAdmitters(t)
	obj := toUnstructured(t, []byte(`
apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata: {name: f, namespace: ns}
spec:
  clusters:
  - name: a
    uid: 1234
  placement:
    replicaScheduling: {replicaSchedulingType: Divided}
    rebalanceEvery: 5m
`))
	pruned, errs := admitters[fleetv1alpha1.Kind("Fleet")].Admit(obj.Object)
	if len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	want := []string{"spec.clusters[0].uid", "spec.placement.rebalanceEvery"}
	if !slices.Equal(pruned, want) {
		t.Errorf("pruned %v, want %v", pruned, want)
	}

	cases := []struct {
		name string
		yaml string
		want []string
	}{
		{
			name: "unknown PropagationPolicy fields",
			yaml: `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, uid: x}]
  placement:
    clusterAffinity: {clusterNames: [a], zones: [z]}
  replicas: 3
`,
			want: []string{"spec.placement.clusterAffinity.zones", "spec.replicas", "spec.resourceSelectors[0].uid"},
		},
		{
			name: "embedded objects and JSON values are kept",
			yaml: `
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: o, namespace: ns}
spec:
  overrideRules:
  - overriders:
      plaintext:
      - {path: /spec/template, operator: add, value: {anything: [1, {goes: here}]}}
      fieldOverrider:
      - fieldPath: /data/a
        yaml: [{subPath: /b, operator: replace, value: {c: d}}]
`,
		},
		{
			name: "Work manifests and statuses are kept",
			yaml: `
apiVersion: work.karmada.io/v1alpha1
kind: Work
metadata: {name: w, namespace: karmada-es-m1}
spec:
  workload:
    manifests:
    - {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {anything: {goes: here}}}
status:
  manifestStatuses:
  - identifier: {ordinal: 0, group: example.com, version: v1, kind: Widget, resource: widgets, name: w}
    status: {phase: Running, custom: {deep: [1, 2]}}
`,
		},
		{
			name: "ResourceBinding aggregated status is kept",
			yaml: `
apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: b, namespace: ns}
spec:
  resource: {apiVersion: example.com/v1, kind: Widget, name: w, color: blue}
status:
  aggregatedStatus:
  - clusterName: m1
    status: {phase: Running, custom: {deep: [1, 2]}}
`,
			want: []string{"spec.resource.color"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			pruned, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object)
			if len(errs) > 0 {
				t.Fatal(errs.ToAggregate())
			}
			slices.Sort(pruned)
			if !slices.Equal(pruned, tc.want) {
				t.Errorf("pruned %v, want %v", pruned, tc.want)
			}
		})
	}
}

// TestDefaults checks the schema defaults.
func TestDefaults(t *testing.T) {
	admitters := newAdmitters(t)
	obj := toUnstructured(t, []byte(`
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata:
  name: member2
spec:
  apiEndpoint: https://10.0.0.1:6443
`))
	if _, errs := admitters[karmadaclusterv1alpha1.Kind("Cluster")].Admit(obj.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	if mode, _, _ := unstructured.NestedString(obj.Object, "spec", "syncMode"); mode != string(karmadaclusterv1alpha1.Push) {
		t.Errorf("spec.syncMode = %q, want Push", mode)
	}

	pp := toUnstructured(t, []byte(`
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
  placement:
    replicaScheduling: {replicaDivisionPreference: Aggregated}
  failover:
    application: {}
    cluster: {}
`))
	if _, errs := admitters[policyv1alpha1.Kind("PropagationPolicy")].Admit(pp.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	wants := []struct {
		path []string
		want any
	}{
		{[]string{"spec", "priority"}, int64(0)},
		{[]string{"spec", "preemption"}, string(policyv1alpha1.PreemptNever)},
		{[]string{"spec", "schedulerName"}, policyv1alpha1.DefaultSchedulerName},
		{[]string{"spec", "conflictResolution"}, string(policyv1alpha1.ConflictAbort)},
		{[]string{"spec", "placement", "replicaScheduling", "replicaSchedulingType"}, string(policyv1alpha1.ReplicaSchedulingTypeDivided)},
		{[]string{"spec", "failover", "application", "decisionConditions", "tolerationSeconds"}, int64(policyv1alpha1.DefaultApplicationFailoverTolerationSeconds)},
		{[]string{"spec", "failover", "application", "purgeMode"}, string(policyv1alpha1.PurgeModeGracefully)},
		{[]string{"spec", "failover", "cluster", "purgeMode"}, string(policyv1alpha1.ClusterFailoverPurgeModeGracefully)},
	}
	for _, w := range wants {
		got, _, _ := unstructured.NestedFieldNoCopy(pp.Object, w.path...)
		if got != w.want {
			t.Errorf("%s = %v, want %v", strings.Join(w.path, "."), got, w.want)
		}
	}
	// Defaulting does not create a replicaScheduling block, so a placement
	// without one keeps duplicating.
	canary := admitSeed(t, admitters, "07-reviews-canary.yaml")
	if _, found, _ := unstructured.NestedFieldNoCopy(canary.Object, "spec", "placement", "replicaScheduling"); found {
		t.Error("07: spec.placement.replicaScheduling was created by defaulting")
	}

	rb := toUnstructured(t, []byte(`
apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: b, namespace: ns}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, name: d}
`))
	if _, errs := admitters[workv1alpha2.Kind("ResourceBinding")].Admit(rb.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	if got, _, _ := unstructured.NestedString(rb.Object, "spec", "conflictResolution"); got != string(policyv1alpha1.ConflictAbort) {
		t.Errorf("ResourceBinding spec.conflictResolution = %q, want Abort", got)
	}
}

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
	"strings"
	"testing"
)

// TestInvalidPropagationPoliciesAreRejected checks the OpenAPI and CEL rules
// of PropagationPolicy and ClusterPropagationPolicy: placement and the
// rest of the propagation spec.
func TestInvalidPropagationPoliciesAreRejected(t *testing.T) {
	const pp = `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
`
	const cpp = `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: p}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
`
	cases := []rejection{
		// Placement.
		{
			name: "spreadByField and spreadByLabel together",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: region, spreadByLabel: topology.kubernetes.io/region}]\n",
			want: []string{"spec.placement.spreadConstraints[0]", "spreadByField and spreadByLabel are mutually exclusive"},
		},
		{
			name: "maxGroups below minGroups",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: cluster, maxGroups: 1, minGroups: 2}]\n",
			want: []string{"spec.placement.spreadConstraints[0]", "maxGroups must be greater than or equal to minGroups"},
		},
		{
			name: "negative minGroups",
			yaml: pp + "  placement:\n    spreadConstraints: [{minGroups: -1}]\n",
			want: []string{"spec.placement.spreadConstraints[0].minGroups", "greater than or equal to 0"},
		},
		{
			name: "negative maxSkew",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: zone, maxSkew: -1}]\n",
			want: []string{"spec.placement.spreadConstraints[0].maxSkew", "greater than or equal to 0"},
		},
		{
			name: "repeated spreadByField",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: region}, {spreadByField: zone}, {spreadByField: region}]\n",
			want: []string{"spec.placement.spreadConstraints", "each spreadByField may appear in at most one spread constraint"},
		},
		{
			name: "two cluster constraints, one implicit",
			yaml: pp + "  placement:\n    spreadConstraints: [{minGroups: 1}, {spreadByField: cluster, maxGroups: 2}]\n",
			want: []string{"spec.placement.spreadConstraints", "each spreadByField may appear in at most one spread constraint"},
		},
		{
			name: "unknown spreadByField",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: rack}]\n",
			want: []string{"spec.placement.spreadConstraints[0].spreadByField", "Unsupported value"},
		},
		{
			name: "static weight 0",
			yaml: pp + "  placement:\n    replicaScheduling:\n      weightPreference:\n        staticWeightList: [{targetCluster: {clusterNames: [a]}, weight: 0}]\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight", "greater than or equal to 1"},
		},
		{
			name: "negative static weight",
			yaml: pp + "  placement:\n    replicaScheduling:\n      weightPreference:\n        staticWeightList: [{targetCluster: {clusterNames: [a]}, weight: 1}, {targetCluster: {clusterNames: [b]}, weight: -3}]\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.staticWeightList[1].weight", "greater than or equal to 1"},
		},
		{
			name: "unknown replicaSchedulingType",
			yaml: pp + "  placement:\n    replicaScheduling: {replicaSchedulingType: Spread}\n",
			want: []string{"spec.placement.replicaScheduling.replicaSchedulingType", "Unsupported value"},
		},
		{
			name: "unknown dynamicWeight",
			yaml: pp + "  placement:\n    replicaScheduling:\n      weightPreference: {dynamicWeight: FreeCPU}\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.dynamicWeight", "Unsupported value"},
		},
		{
			name: "clusterAffinity with clusterAffinities",
			yaml: pp + "  placement:\n    clusterAffinity: {clusterNames: [a]}\n    clusterAffinities: [{affinityName: x, clusterNames: [b]}]\n",
			want: []string{"spec.placement", "clusterAffinity and clusterAffinities are mutually exclusive"},
		},
		{
			name: "duplicate affinityName",
			yaml: cpp + "  placement:\n    clusterAffinities: [{affinityName: x, clusterNames: [a]}, {affinityName: x, clusterNames: [b]}]\n",
			want: []string{"spec.placement.clusterAffinities", "affinityName must be unique"},
		},
		{
			name: "affinityName too long",
			yaml: cpp + "  placement:\n    clusterAffinities: [{affinityName: " + strings.Repeat("a", 33) + "}]\n",
			want: []string{"spec.placement.clusterAffinities[0].affinityName", "Too long"},
		},
		{
			name: "duplicate overflow affinityName",
			yaml: cpp + "  placement:\n    clusterAffinities:\n    - affinityName: x\n      clusterNames: [a]\n      overflowAffinities: [{affinityName: burst, clusterNames: [b]}, {affinityName: burst, clusterNames: [c]}]\n",
			want: []string{"spec.placement.clusterAffinities[0].overflowAffinities", "affinityName must be unique"},
		},
		{
			name: "overflow tiers on a term that selects every cluster",
			yaml: cpp + "  placement:\n    clusterAffinities:\n    - affinityName: x\n      overflowAffinities: [{affinityName: burst, clusterNames: [b]}]\n",
			want: []string{"spec.placement.clusterAffinities[0]", "overflowAffinities: the term must itself select clusters"},
		},
		{
			name: "field selector on an unknown field",
			yaml: pp + "  placement:\n    clusterAffinity:\n      fieldSelector:\n        matchExpressions: [{key: color, operator: In, values: [blue]}]\n",
			want: []string{"spec.placement.clusterAffinity.fieldSelector.matchExpressions", "fieldSelector.matchExpressions: key must be one of provider, region, zone"},
		},
		{
			name: "field selector with Exists",
			yaml: pp + "  placement:\n    clusterAffinities:\n    - affinityName: x\n      fieldSelector:\n        matchExpressions: [{key: region, operator: Exists}]\n",
			want: []string{"spec.placement.clusterAffinities[0].fieldSelector.matchExpressions", "operator must be In or NotIn"},
		},
		{
			name: "preference on an unknown field",
			yaml: pp + "  placement:\n    clusterAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 10\n        preference:\n          matchFields: [{key: color, operator: In, values: [blue]}]\n",
			want: []string{"preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchFields", "matchFields: key must be one of provider, region, zone"},
		},
		{
			name: "preference with Gt on a field",
			yaml: pp + "  placement:\n    clusterAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 10\n        preference:\n          matchFields: [{key: zone, operator: Gt, values: ['1']}]\n",
			want: []string{"preference.matchFields", "matchFields: operator must be In or NotIn"},
		},
		{
			name: "preference weight out of range",
			yaml: pp + "  placement:\n    clusterAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, preference: {}}]\n",
			want: []string{"preferredDuringSchedulingIgnoredDuringExecution[0].weight", "greater than or equal to 1"},
		},

		// PropagationSpec.
		{
			name: "no resourceSelectors",
			yaml: "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  resourceSelectors: []\n",
			want: []string{"spec.resourceSelectors", "should have at least 1 items"},
		},
		{
			name: "resourceSelector without kind",
			yaml: "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  resourceSelectors: [{apiVersion: v1}]\n",
			want: []string{"spec.resourceSelectors[0].kind", "Required value"},
		},
		{
			name: "unknown preemption",
			yaml: pp + "  preemption: Sometimes\n",
			want: []string{"spec.preemption", "Unsupported value"},
		},
		{
			name: "unknown conflictResolution",
			yaml: pp + "  conflictResolution: Merge\n",
			want: []string{"spec.conflictResolution", "Unsupported value"},
		},
		{
			name: "unknown activationPreference",
			yaml: pp + "  activationPreference: Eager\n",
			want: []string{"spec.activationPreference", "Unsupported value"},
		},
		{
			name: "suspension with dispatching and dispatchingOnClusters",
			yaml: pp + "  suspension:\n    dispatching: true\n    dispatchingOnClusters: {clusterNames: [a]}\n",
			want: []string{"spec.suspension", "suspension: dispatching and dispatchingOnClusters are mutually exclusive"},
		},
		{
			name: "unknown application purgeMode",
			yaml: pp + "  failover:\n    application: {purgeMode: Immediately}\n",
			want: []string{"spec.failover.application.purgeMode", "Unsupported value"},
		},
		{
			name: "cluster failover purgeMode Never",
			yaml: pp + "  failover:\n    cluster: {purgeMode: Never}\n",
			want: []string{"spec.failover.cluster.purgeMode", "Unsupported value"},
		},
		{
			name: "gracePeriodSeconds with purgeMode Directly",
			yaml: pp + "  failover:\n    application: {purgeMode: Directly, gracePeriodSeconds: 60}\n",
			want: []string{"spec.failover.application", "gracePeriodSeconds may only be set when purgeMode is Gracefully"},
		},
		{
			name: "negative tolerationSeconds",
			yaml: pp + "  failover:\n    application:\n      decisionConditions: {tolerationSeconds: -1}\n",
			want: []string{"spec.failover.application.decisionConditions.tolerationSeconds", "greater than or equal to 0"},
		},
		{
			name: "Cascade over one term",
			yaml: pp + "  placement:\n    affinityStrategy: {mode: Cascade}\n    clusterAffinities: [{affinityName: a, clusterNames: [x]}]\n",
			want: []string{"spec.placement", "mode Cascade needs at least two clusterAffinities terms"},
		},
		{
			name: "Cascade with overflowAffinities",
			yaml: pp + "  placement:\n    affinityStrategy: {mode: Cascade}\n    clusterAffinities:\n    - {affinityName: a, clusterNames: [c1], overflowAffinities: [{affinityName: o, clusterNames: [c2]}]}\n    - {affinityName: b, clusterNames: [c3]}\n",
			want: []string{"spec.placement", "overflowAffinities cannot be used as well"},
		},
		{
			name: "unknown affinity mode",
			yaml: pp + "  placement:\n    affinityStrategy: {mode: Spill}\n",
			want: []string{"spec.placement.affinityStrategy.mode", "Unsupported value"},
		},
		{
			name: "statePreservation without rules",
			yaml: pp + "  failover:\n    cluster:\n      statePreservation: {rules: []}\n",
			want: []string{"spec.failover.cluster.statePreservation.rules", "should have at least 1 items"},
		},
		{
			name: "unknown priorityClassSource",
			yaml: pp + "  schedulePriority: {priorityClassSource: PodPriority, priorityClassName: high}\n",
			want: []string{"spec.schedulePriority.priorityClassSource", "Unsupported value"},
		},
	}
	expectRejected(t, cases)
}

// TestLenientKarmadaObjectsAreAdmitted pins the places where our schema is
// deliberately more lenient than Karmada's webhook, or where a rule must not
// fire.
func TestLenientKarmadaObjectsAreAdmitted(t *testing.T) {
	const pp = `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
`
	cases := []struct {
		name string
		yaml string
	}{
		{"region spread without a cluster constraint", pp + "  placement:\n    spreadConstraints: [{spreadByField: region, minGroups: 2, maxGroups: 3}]\n"},
		{"maxGroups 0 means no limit", pp + "  placement:\n    spreadConstraints: [{spreadByField: cluster, minGroups: 2, maxGroups: 0}]\n"},
		{"spreadByLabel alone", pp + "  placement:\n    spreadConstraints: [{spreadByLabel: topology.kubernetes.io/zone, minGroups: 1}]\n"},
		{"empty clusterAffinities beside clusterAffinity", pp + "  placement:\n    clusterAffinity: {clusterNames: [a]}\n    clusterAffinities: []\n"},
		{"dispatching false beside dispatchingOnClusters", pp + "  suspension:\n    dispatching: false\n    dispatchingOnClusters: {clusterNames: [a]}\n"},
		{"empty activationPreference", pp + "  activationPreference: \"\"\n"},
		{"gracePeriodSeconds with the default purgeMode", pp + "  failover:\n    application: {gracePeriodSeconds: 60}\n"},
		{"clusterTolerations and the tolerations alias", pp + "  placement:\n    clusterTolerations: [{key: a, operator: Exists}]\n    tolerations: [{key: b, operator: Exists}]\n"},
		{"workloadAffinity", pp + "  placement:\n    workloadAffinity:\n      affinity: {groupByLabelKey: app.example.com/group}\n      antiAffinity: {groupByLabelKey: app.example.com/replica-set}\n"},
		{"deprecated association", pp + "  association: true\n"},
		{"plaintext and field removals without value", `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: {name: o}
spec:
  targetCluster: {clusterNames: [a]}
  overriders:
    plaintext: [{path: /spec/paused, operator: remove}]
    imageOverrider: [{component: Tag, operator: remove}]
    fieldOverrider: [{fieldPath: /data/a, yaml: [{subPath: /b, operator: remove}]}]
`},
	}
	admitters := newAdmitters(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			pruned, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object)
			if len(errs) > 0 {
				t.Errorf("rejected:\n%v", errs.ToAggregate())
			}
			if len(pruned) > 0 {
				t.Errorf("fields pruned: %v", pruned)
			}
		})
	}
}

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

// TestInvalidWorkObjectsAreRejected checks the OpenAPI and CEL rules of the
// work.karmada.io kinds: ResourceBinding and Work.
func TestInvalidWorkObjectsAreRejected(t *testing.T) {
	const rb = `
apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: b, namespace: ns}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, name: d}
`
	const work = `
apiVersion: work.karmada.io/v1alpha1
kind: Work
metadata: {name: w, namespace: karmada-es-m1}
spec: {}
`
	cases := []rejection{
		{
			name: "binding without resource name",
			yaml: "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {name: b, namespace: ns}\nspec:\n  resource: {apiVersion: v1, kind: ConfigMap}\n",
			want: []string{"spec.resource.name", "Required value"},
		},
		{
			name: "binding with negative replicas for a cluster",
			yaml: rb + "  clusters: [{name: a, replicas: -1}]\n",
			want: []string{"spec.clusters[0].replicas", "greater than or equal to 0"},
		},
		{
			name: "binding placement keeps the placement rules",
			yaml: rb + "  placement:\n    replicaScheduling:\n      weightPreference:\n        staticWeightList: [{targetCluster: {}, weight: 0}]\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight", "greater than or equal to 1"},
		},
		{
			name: "binding suspension keeps the policy rule",
			yaml: rb + "  suspension: {scheduling: true, dispatching: true, dispatchingOnClusters: {clusterNames: [a]}}\n",
			want: []string{"spec.suspension", "suspension: dispatching and dispatchingOnClusters are mutually exclusive"},
		},
		{
			name: "binding with an unknown health",
			yaml: rb + "status:\n  aggregatedStatus: [{clusterName: a, health: Sick}]\n",
			want: []string{"status.aggregatedStatus[0].health", "Unsupported value"},
		},
		{
			name: "binding explanation division too long",
			yaml: rb + "status:\n  schedulingExplanation: {division: " + strings.Repeat("x", 4097) + "}\n",
			want: []string{"status.schedulingExplanation.division", "Too long"},
		},
		{
			name: "work manifest status without kind",
			yaml: work + "status:\n  manifestStatuses: [{identifier: {ordinal: 0, version: v1, resource: configmaps, name: c}}]\n",
			want: []string{"status.manifestStatuses[0].identifier.kind", "Required value"},
		},
		{
			name: "work manifest status with a negative ordinal",
			yaml: work + "status:\n  manifestStatuses: [{identifier: {ordinal: -1, version: v1, kind: ConfigMap, resource: configmaps, name: c}}]\n",
			want: []string{"status.manifestStatuses[0].identifier.ordinal", "greater than or equal to 0"},
		},
	}
	expectRejected(t, cases)
}

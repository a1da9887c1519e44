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

package interpreter

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// cloneSetReport is a member CloneSet's status at generation 1.
func cloneSetReport(replicas, updated, available int64, updateRevision, currentRevision string) map[string]any {
	return map[string]any{"observedGeneration": int64(1), "replicas": replicas, "readyReplicas": available, "availableReplicas": available,
		"updatedReplicas": updated, "updatedReadyReplicas": min(updated, available), "expectedUpdatedReplicas": replicas,
		"updateRevision": updateRevision, "currentRevision": currentRevision, "labelSelector": "app=web"}
}

// TestCloneSetThroughFor follows a CloneSet through every operation as the
// controllers call them: replicas, a cluster's share, dependencies,
// health, and the fleet's status.
func TestCloneSetThroughFor(t *testing.T) {
	tpl := fixture(t, "cloneset/cloneset.yaml")
	in := For(tpl.GroupVersionKind())

	replicated, err := in.GetReplicas(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if replicated.Replicas != 4 || replicated.MinPerCluster != 0 || replicated.Requirements.Requests.Cpu().String() != "500m" ||
		replicated.Requirements.Requests.Memory().String() != "256Mi" {
		t.Errorf("replicas %+v, want 4 of 500m CPU and 256Mi, divided freely", replicated)
	}

	share := tpl.DeepCopy()
	if err := in.ReviseReplica(share, Share{Cluster: "hz", Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := unstructured.NestedInt64(share.Object, "spec", "replicas"); n != 3 {
		t.Errorf("hz's copy has %d replicas, want its share 3", n)
	}

	deps, err := in.GetDependencies(tpl)
	if err != nil {
		t.Fatal(err)
	}
	wantDeps := []Dependency{
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "web-config"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "shop", Name: "web-tls"},
		{APIVersion: "v1", Kind: "ServiceAccount", Namespace: "shop", Name: "web"},
	}
	if diff := cmp.Diff(wantDeps, deps); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}

	// hz's copy, at its own first generation.
	share.SetGeneration(1)
	checkHealth(t, share, map[string]healthCase{
		"rolled out":            {cloneSetReport(3, 3, 3, "web-7d9", "web-7d9"), workv1alpha1.ResourceHealthy},
		"updating in place":     {cloneSetReport(3, 2, 3, "web-7d9", "web-5c4"), workv1alpha1.ResourceUnhealthy},
		"a replica unavailable": {cloneSetReport(3, 3, 2, "web-7d9", "web-7d9"), workv1alpha1.ResourceUnhealthy},
		"the spec not observed yet": {map[string]any{"observedGeneration": int64(0), "replicas": int64(3), "updatedReplicas": int64(3),
			"availableReplicas": int64(3)}, workv1alpha1.ResourceUnhealthy},
	})

	rolledOut := aggregate(t, tpl, []fleetMember{
		{"hz", 3, cloneSetReport(3, 3, 3, "web-7d9", "web-7d9"), true},
		{"sh", 1, cloneSetReport(1, 1, 1, "web-7d9", "web-7d9"), true},
	})
	want := map[string]any{"observedGeneration": int64(3), "replicas": int64(4), "readyReplicas": int64(4), "availableReplicas": int64(4),
		"updatedReplicas": int64(4), "updatedReadyReplicas": int64(4), "expectedUpdatedReplicas": int64(4),
		"updateRevision": "web-generation-3", "currentRevision": "web-generation-3", "labelSelector": "app=web"}
	if diff := cmp.Diff(want, rolledOut.Object["status"]); diff != "" {
		t.Errorf("rolled out in both members (-want +got):\n%s", diff)
	}

	// The template changes again and sh is still updating: the fleet has
	// not observed generation 4, and its current revision stays the last
	// one every member completed.
	rolledOut.SetGeneration(4)
	updating := aggregate(t, rolledOut, []fleetMember{
		{"hz", 3, cloneSetReport(3, 3, 3, "web-7d9", "web-7d9"), true},
		{"sh", 1, cloneSetReport(1, 0, 1, "web-7d9", "web-5c4"), true},
	})
	status := updating.Object["status"].(map[string]any)
	if status["observedGeneration"] != int64(3) || status["updatedReplicas"] != int64(3) || status["updateRevision"] != "web-generation-4" ||
		status["currentRevision"] != "web-generation-3" {
		t.Errorf("mid-update status %v, want generation 3 observed, 3 updated, and web-generation-4 to update to from web-generation-3", status)
	}
}

// TestCloneSetMoveKeepsItsReplicasAvailable: while a CloneSet moves from hz
// to sh, the copy leaving hz still serves, and the fleet reads as available
// as it was, as a Deployment does.
func TestCloneSetMoveKeepsItsReplicasAvailable(t *testing.T) {
	tpl := fixture(t, "cloneset/cloneset.yaml")
	out := aggregateMove(t, tpl,
		[]fleetMember{{"sh", 4, cloneSetReport(4, 4, 1, "web-7d9", "web-7d9"), true}},
		[]fleetMember{{"hz", 4, cloneSetReport(4, 4, 4, "web-7d9", "web-7d9"), true}})
	status := out.Object["status"].(map[string]any)
	if status["availableReplicas"] != int64(4) || status["readyReplicas"] != int64(4) || status["replicas"] != int64(4) {
		t.Errorf("status during the move %v, want 4 available, ready and running: hz's, capped at spec.replicas", status)
	}
}

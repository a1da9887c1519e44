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
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

func TestHasClusters(t *testing.T) {
	withClusters, err := HasClusters([]byte(read(t, "examples/scenarios/nginx-weighted.yaml")))
	if err != nil || !withClusters {
		t.Fatalf("the example scenario: %v, %v; want clusters", withClusters, err)
	}
	without, err := HasClusters([]byte(read(t, "examples/seed/06-nginx-weighted.yaml")))
	if err != nil || without {
		t.Fatalf("seed example 06: %v, %v; want no clusters", without, err)
	}
	if _, err := HasClusters([]byte("a: [")); err == nil {
		t.Fatal("invalid YAML accepted")
	}
}

func liveCluster(name string) *karmadaclusterv1alpha1.Cluster {
	c := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
	c.Status.APIEnablements = []karmadaclusterv1alpha1.APIEnablement{{GroupVersion: "apps/v1",
		Resources: []karmadaclusterv1alpha1.APIResource{{Name: "deployments", Kind: "Deployment"}}}}
	return c
}

func TestParseLive(t *testing.T) {
	seed := read(t, "examples/seed/06-nginx-weighted.yaml")
	clusters := []*karmadaclusterv1alpha1.Cluster{liveCluster("cluster-hangzhou"), liveCluster("cluster-shanghai")}
	sc, err := ParseLive(strings.NewReader(seed), clusters)
	if err != nil {
		t.Fatal(err)
	}
	if ns, name := sc.BindingKey(); ns != "default" || name != "nginx-deployment" {
		t.Fatalf("binding key %s/%s, want default/nginx-deployment", ns, name)
	}
	if len(sc.Clusters) != 2 {
		t.Fatalf("clusters %v", sc.Clusters)
	}
	if _, err := ParseLive(strings.NewReader(read(t, "examples/scenarios/nginx-weighted.yaml")), clusters); err == nil || !strings.Contains(err.Error(), "is a Cluster") {
		t.Fatalf("a file with Clusters: %v", err)
	}
	if _, err := ParseLive(strings.NewReader(seed), nil); err == nil || !strings.Contains(err.Error(), "no cluster") {
		t.Fatalf("a fleet without clusters: %v", err)
	}
}

func TestBuildLive(t *testing.T) {
	hz, sh := liveCluster("cluster-hangzhou"), liveCluster("cluster-shanghai")
	sh.Status.APIEnablements = nil // not discovered yet: not taken to serve Deployments
	sc, err := ParseLive(strings.NewReader(read(t, "examples/seed/06-nginx-weighted.yaml")), []*karmadaclusterv1alpha1.Cluster{hz, sh})
	if err != nil {
		t.Fatal(err)
	}
	node := estimator.Node{Node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4")}}}}
	snap, w, err := sc.BuildLive(map[string][]estimator.Node{"cluster-hangzhou": {node}})
	if err != nil {
		t.Fatal(err)
	}
	if w.Replicas != 10 || len(snap.Clusters) != 2 {
		t.Fatalf("workload %d replicas, %d clusters", w.Replicas, len(snap.Clusters))
	}
	for _, info := range snap.Clusters {
		switch info.Name() {
		case "cluster-hangzhou":
			if len(info.Nodes) != 1 || info.Cluster != hz {
				t.Fatalf("hangzhou: %d nodes, cluster %p want %p", len(info.Nodes), info.Cluster, hz)
			}
		case "cluster-shanghai":
			if info.Nodes != nil || len(info.Cluster.Status.APIEnablements) != 0 {
				t.Fatalf("shanghai: nodes %v, API enablements %v; want none", info.Nodes, info.Cluster.Status.APIEnablements)
			}
		}
	}
}

func TestUseLiveBindingAndOverrides(t *testing.T) {
	sc, err := ParseLive(strings.NewReader(read(t, "examples/seed/06-nginx-weighted.yaml")+
		"\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {name: mine}\nspec: {}\n"),
		[]*karmadaclusterv1alpha1.Cluster{liveCluster("a")})
	if err != nil {
		t.Fatal(err)
	}
	scheduled := metav1.NewTime(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	handled := metav1.NewTime(scheduled.Add(-time.Hour))
	live := &workv1alpha2.ResourceBinding{Spec: workv1alpha2.ResourceBindingSpec{
		Clusters: []workv1alpha2.TargetCluster{{Name: "a", Replicas: 10}}, RescheduleTriggeredAt: &handled}}
	live.Status.LastScheduledTime = &scheduled
	sc.UseLiveBinding(live)
	if sc.Previous == nil || sc.Previous.Spec.RescheduleTriggeredAt != nil || len(sc.Previous.Spec.Clusters) != 1 {
		t.Fatalf("previous from the live binding: %+v", sc.Previous)
	}
	if live.Spec.RescheduleTriggeredAt == nil {
		t.Fatal("the live binding was modified")
	}
	sc.UseLiveBinding(&workv1alpha2.ResourceBinding{})
	if len(sc.Previous.Spec.Clusters) != 1 {
		t.Fatal("a second binding replaced the first")
	}

	spec := &policyv1alpha1.OverrideSpec{}
	sc.AddLiveOverrides([]overrides.Policy{
		{Name: "mine", Namespace: "default", Spec: spec},   // the scenario's own replaces it
		{Name: "theirs", Namespace: "default", Spec: spec}, // added
		{Name: "mine", Spec: spec},                         // a ClusterOverridePolicy of that name: added
	})
	var names []string
	for _, p := range sc.Overrides {
		names = append(names, p.Namespace+"/"+p.Name)
	}
	if got := strings.Join(names, ","); got != "default/mine,default/theirs,/mine" {
		t.Fatalf("overrides %s", got)
	}
	if sc.Overrides[0].Spec == spec {
		t.Fatal("the scenario's OverridePolicy was replaced by the fleet's")
	}
}

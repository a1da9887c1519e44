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
package scheduling

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func readyCluster(name string, since time.Time) *framework.ClusterInfo {
	c := &karmadaclusterv1alpha1.Cluster{}
	c.Name = name
	c.Status.Conditions = []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionTrue,
		LastTransitionTime: metav1.NewTime(since)}}
	c.Status.APIEnablements = []karmadaclusterv1alpha1.APIEnablement{{GroupVersion: "apps/v1",
		Resources: []karmadaclusterv1alpha1.APIResource{{Name: "deployments", Kind: "Deployment"}}}}
	return &framework.ClusterInfo{Cluster: c}
}

// seed06 is seed 06's binding after a failover of cluster-hangzhou: all
// ten replicas in cluster-shanghai.
func seed06(annotations map[string]string) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{}
	rb.Name, rb.Namespace, rb.Annotations = "nginx-deployment", "default", annotations
	rb.Spec.Resource = workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "nginx", UID: "u"}
	rb.Spec.Replicas = 10
	rb.Spec.Placement = &policyv1alpha1.Placement{
		ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}},
		ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
			ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
			WeightPreference: &policyv1alpha1.ClusterPreferences{StaticWeightList: []policyv1alpha1.StaticClusterWeight{
				{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou"}}, Weight: 60},
				{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-shanghai"}}, Weight: 40}}}},
	}
	rb.Spec.Clusters = []workv1alpha2.TargetCluster{{Name: "cluster-shanghai", Replicas: 10}}
	return rb
}

func TestFailbackPlan(t *testing.T) {
	now := time.Unix(10000, 0)
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	r := &Reconciler{Scheduler: s, Clock: clocktesting.NewFakeClock(now)}
	on := map[string]string{policyv1alpha1.FailbackAnnotation: "30s"}
	snapshot := func(hangzhouReadyFor time.Duration) *framework.Snapshot {
		return &framework.Snapshot{Clusters: []*framework.ClusterInfo{
			readyCluster("cluster-hangzhou", now.Add(-hangzhouReadyFor)), readyCluster("cluster-shanghai", now.Add(-time.Hour))}}
	}

	if plan, wait := r.failback(context.Background(), seed06(on), snapshot(10*time.Second)); plan != nil || wait != 20*time.Second {
		t.Fatalf("back for 10s of a 30s window: plan %v, wait %v; want none, 20s", plan, wait)
	}
	plan, wait := r.failback(context.Background(), seed06(on), snapshot(40*time.Second))
	if plan == nil || wait != 0 {
		t.Fatalf("back for 40s: no plan (wait %v)", wait)
	}
	got := map[string]int32{}
	for _, c := range plan.clusters {
		got[c.Name] = c.Replicas
	}
	if got["cluster-hangzhou"] != 6 || got["cluster-shanghai"] != 4 {
		t.Fatalf("planned %v, want hangzhou 6 and shanghai 4", got)
	}
	var from map[string]int32
	if err := json.Unmarshal([]byte(plan.annotations[workv1alpha2.FailbackFromAnnotation]), &from); err != nil || from["cluster-shanghai"] != 10 || len(from) != 1 {
		t.Fatalf("failback-from %q, want shanghai's 10", plan.annotations[workv1alpha2.FailbackFromAnnotation])
	}

	for name, rb := range map[string]*workv1alpha2.ResourceBinding{
		"off without the annotation": seed06(nil),
		"not while a failback runs":  seed06(map[string]string{policyv1alpha1.FailbackAnnotation: "30s", workv1alpha2.FailbackFromAnnotation: `{"cluster-shanghai":10}`}),
		"not during an eviction": func() *workv1alpha2.ResourceBinding {
			rb := seed06(on)
			rb.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{{FromCluster: "cluster-hangzhou", Reason: "TaintUntolerated", Producer: "x"}}
			return rb
		}(),
		"nothing to gain": func() *workv1alpha2.ResourceBinding {
			rb := seed06(on)
			rb.Spec.Clusters = []workv1alpha2.TargetCluster{{Name: "cluster-hangzhou", Replicas: 6}, {Name: "cluster-shanghai", Replicas: 4}}
			return rb
		}(),
		"a bad window": seed06(map[string]string{policyv1alpha1.FailbackAnnotation: "soon"}),
	} {
		if plan, wait := r.failback(context.Background(), rb, snapshot(time.Hour)); plan != nil || wait != 0 {
			t.Errorf("%s: plan %v, wait %v; want none", name, plan, wait)
		}
	}
}

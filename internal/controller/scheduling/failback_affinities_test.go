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

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// primaryBackup is a Duplicated workload of 3 replicas that failed over
// from its primary term (cluster-hangzhou) to its backup term
// (cluster-shanghai).
func primaryBackup(annotations map[string]string) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{}
	rb.Name, rb.Namespace, rb.Annotations, rb.Generation = "web-deployment", "default", annotations, 4
	rb.Spec.Resource = workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web", UID: "u"}
	rb.Spec.Replicas = 3
	rb.Spec.Placement = &policyv1alpha1.Placement{ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
		{AffinityName: "primary", ClusterAffinity: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou"}}},
		{AffinityName: "backup", ClusterAffinity: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-shanghai"}}},
	}}
	rb.Spec.Clusters = []workv1alpha2.TargetCluster{{Name: "cluster-shanghai", Replicas: 3}}
	rb.Status.SchedulerObservedAffinityName = "backup"
	return rb
}

func notReadyCluster(name string, since time.Time) *framework.ClusterInfo {
	c := readyCluster(name, since)
	c.Cluster.Status.Conditions[0].Status = metav1.ConditionFalse
	c.Cluster.Spec.Taints = []corev1.Taint{{Key: karmadaclusterv1alpha1.TaintClusterNotReady, Effect: corev1.TaintEffectNoSchedule}}
	return c
}

func TestFailbackToAnEarlierAffinityTerm(t *testing.T) {
	now := time.Unix(10000, 0)
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	on := map[string]string{policyv1alpha1.FailbackAnnotation: "20s"}
	fleet := func(primary *framework.ClusterInfo) *framework.Snapshot {
		return &framework.Snapshot{Clusters: []*framework.ClusterInfo{primary, readyCluster("cluster-shanghai", now.Add(-time.Hour))}}
	}
	for _, tc := range []struct {
		name     string
		binding  *workv1alpha2.ResourceBinding
		primary  *framework.ClusterInfo
		wantPlan bool
		wantWait time.Duration
	}{
		{name: "off without the annotation: stays, as in Karmada", binding: primaryBackup(nil), primary: readyCluster("cluster-hangzhou", now.Add(-time.Hour))},
		{name: "primary Ready for 5s of 20s", binding: primaryBackup(on), primary: readyCluster("cluster-hangzhou", now.Add(-5*time.Second)), wantWait: 15 * time.Second},
		{name: "primary Ready for the window", binding: primaryBackup(on), primary: readyCluster("cluster-hangzhou", now.Add(-20*time.Second)), wantPlan: true},
		{name: "primary not Ready", binding: primaryBackup(on), primary: notReadyCluster("cluster-hangzhou", now.Add(-time.Hour))},
		{name: "already on the primary term", binding: func() *workv1alpha2.ResourceBinding {
			rb := primaryBackup(on)
			rb.Spec.Clusters, rb.Status.SchedulerObservedAffinityName = []workv1alpha2.TargetCluster{{Name: "cluster-hangzhou", Replicas: 3}}, "primary"
			return rb
		}(), primary: readyCluster("cluster-hangzhou", now.Add(-time.Hour))},
		{name: "not while a failback runs", binding: primaryBackup(map[string]string{policyv1alpha1.FailbackAnnotation: "20s", workv1alpha2.FailbackFromAnnotation: `{"cluster-shanghai":3}`}),
			primary: readyCluster("cluster-hangzhou", now.Add(-time.Hour))},
		{name: "not during an eviction", binding: func() *workv1alpha2.ResourceBinding {
			rb := primaryBackup(on)
			rb.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{{FromCluster: "cluster-hangzhou", Reason: "TaintUntolerated", Producer: "x"}}
			return rb
		}(), primary: readyCluster("cluster-hangzhou", now.Add(-time.Hour))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Reconciler{Scheduler: s, Clock: clocktesting.NewFakeClock(now), decided: &decisions{}}
			plan, wait := r.failback(context.Background(), tc.binding, fleet(tc.primary))
			if (plan != nil) != tc.wantPlan || wait != tc.wantWait {
				t.Fatalf("plan %v, wait %v; want plan %v, wait %v", plan, wait, tc.wantPlan, tc.wantWait)
			}
			if plan == nil {
				return
			}
			if len(plan.clusters) != 1 || plan.clusters[0] != (workv1alpha2.TargetCluster{Name: "cluster-hangzhou", Replicas: 3}) {
				t.Fatalf("planned %v, want cluster-hangzhou:3", plan.clusters)
			}
			var from map[string]int32
			if err := json.Unmarshal([]byte(plan.annotations[workv1alpha2.FailbackFromAnnotation]), &from); err != nil || len(from) != 1 || from["cluster-shanghai"] != 3 {
				t.Fatalf("failback-from %q, want the backup's 3 kept until the primary is healthy", plan.annotations[workv1alpha2.FailbackFromAnnotation])
			}
			if !plan.workload.Fresh {
				t.Fatal("the failback decision does not start from the first term")
			}
		})
	}
}

// A primary that flaps (Ready for less than the window, again and again)
// moves nothing: each return starts the window again, from the Ready
// condition's lastTransitionTime.
func TestFailbackIgnoresAFlappingPrimary(t *testing.T) {
	start := time.Unix(10000, 0)
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	clock := clocktesting.NewFakeClock(start)
	r := &Reconciler{Scheduler: s, Clock: clock, decided: &decisions{}}
	rb := primaryBackup(map[string]string{policyv1alpha1.FailbackAnnotation: "10s"})
	readySince := start
	for flap := range 3 {
		for _, step := range []time.Duration{0, 4 * time.Second, 8 * time.Second} {
			clock.SetTime(readySince.Add(step))
			snap := &framework.Snapshot{Clusters: []*framework.ClusterInfo{readyCluster("cluster-hangzhou", readySince), readyCluster("cluster-shanghai", start.Add(-time.Hour))}}
			if plan, wait := r.failback(context.Background(), rb, snap); plan != nil || wait != 10*time.Second-step {
				t.Fatalf("flap %d, Ready for %v: plan %v, wait %v", flap, step, plan, wait)
			}
		}
		clock.Step(time.Second)
		snap := &framework.Snapshot{Clusters: []*framework.ClusterInfo{notReadyCluster("cluster-hangzhou", clock.Now()), readyCluster("cluster-shanghai", start.Add(-time.Hour))}}
		if plan, wait := r.failback(context.Background(), rb, snap); plan != nil || wait != 0 {
			t.Fatalf("flap %d, down: plan %v, wait %v", flap, plan, wait)
		}
		readySince = clock.Now().Add(2 * time.Second)
	}
}

// The term the scheduler starts from is that of the decision this process
// wrote for the binding's generation, not a status read from before it.
func TestWorkloadStartsFromTheTermDecidedHere(t *testing.T) {
	r := &Reconciler{decided: &decisions{}}
	rb := primaryBackup(nil)
	if got := r.workload(rb).ObservedAffinity; got != "backup" {
		t.Fatalf("from the status: %q", got)
	}
	r.decided.recordTerm("default/web-deployment", rb.Generation, "primary")
	if got := r.workload(rb).ObservedAffinity; got != "primary" {
		t.Fatalf("decided here for this generation: %q", got)
	}
	rb.Generation++
	if got := r.workload(rb).ObservedAffinity; got != "backup" {
		t.Fatalf("a newer generation reads the status: %q", got)
	}
}

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

package drain

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func rb(ns, name string, clusters ...string) *workv1alpha2.ResourceBinding {
	b := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	for _, c := range clusters {
		b.Spec.Clusters = append(b.Spec.Clusters, workv1alpha2.TargetCluster{Name: c, Replicas: 1})
	}
	return b
}

func drainFixture() []client.Object {
	tolerant := rb("default", "agent-daemonset", "hz")
	tolerant.Spec.Placement = &policyv1alpha1.Placement{ClusterTolerations: []corev1.Toleration{
		{Key: TaintDraining, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}}
	delayed := rb("default", "cache-statefulset", "hz")
	secs := int64(60)
	delayed.Spec.Placement = &policyv1alpha1.Placement{ClusterTolerations: []corev1.Toleration{
		{Key: TaintDraining, Operator: corev1.TolerationOpExists, TolerationSeconds: &secs}}}
	crb := &workv1alpha2.ClusterResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "admin-clusterrole"},
		Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "hz"}, {Name: "sh"}}}}
	return []client.Object{
		testCluster("hz", notReady()), testCluster("sh"),
		rb("default", "nginx-deployment", "hz", "sh"), rb("shop", "web-deployment", "sh", "hz"), rb("default", "api-deployment", "sh"),
		tolerant, delayed, crb,
	}
}

func TestBindingsSortsWhatMovesAndWhatStays(t *testing.T) {
	c := opsClient(drainFixture()...)
	state, err := Bindings(context.Background(), c, []string{"hz"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]ClusterBindings{"hz": {
		// A toleration with tolerationSeconds only delays the move.
		Moving:  []string{"admin-clusterrole", "default/cache-statefulset", "default/nginx-deployment", "shop/web-deployment"},
		Staying: []string{"default/agent-daemonset"},
	}}
	if d := cmp.Diff(want, state); d != "" {
		t.Fatalf("bindings (-want +got):\n%s", d)
	}
}

// TestBindingsCountsOnlyEvictionsThatEndByThemselves: an old copy kept by a
// graceful eviction task is still on the cluster, unless the task waits for
// a user (purge mode Never, suppressDeletion), which a drain cannot wait for.
func TestBindingsCountsOnlyEvictionsThatEndByThemselves(t *testing.T) {
	task := func(mode policyv1alpha1.PurgeMode, suppress *bool) workv1alpha2.GracefulEvictionTask {
		return workv1alpha2.GracefulEvictionTask{FromCluster: "hz", PurgeMode: mode, SuppressDeletion: suppress, Reason: "TaintUntolerated", Producer: "test"}
	}
	graceful, never, suppressed, both := rb("default", "graceful", "sh"), rb("default", "never", "sh"), rb("default", "suppressed", "sh"), rb("default", "both", "hz")
	graceful.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{task(policyv1alpha1.PurgeModeGracefully, nil)}
	never.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{task(policyv1alpha1.PurgeModeNever, nil)}
	suppressed.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{task(policyv1alpha1.PurgeModeGracefully, ptr.To(true))}
	both.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{task(policyv1alpha1.PurgeModeDirectly, ptr.To(false))}
	c := opsClient(testCluster("hz"), graceful, never, suppressed, both)
	state, err := Bindings(context.Background(), c, []string{"hz"})
	if err != nil {
		t.Fatal(err)
	}
	hz := state["hz"]
	if d := cmp.Diff([]string{"default/both", "default/graceful"}, hz.Evicting); d != "" {
		t.Errorf("evicting (-want +got):\n%s", d)
	}
	// A binding both placed on and evicting from the cluster is left once.
	if d := cmp.Diff([]string{"default/both", "default/graceful"}, hz.Left()); d != "" {
		t.Errorf("left (-want +got):\n%s", d)
	}
}

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

package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/kubeletsim"
	"kurator.dev/kurator/test/framework"
)

var trafficMembers = []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}

// BenchmarkTrafficWeights measures the traffic layer on one fleet with
// Prometheus (5 s scrapes), five runs each:
//   - change: an explicit weight change on a TrafficPolicy until every
//     member's VirtualService carries it;
//   - drain: a release failing half its requests in cluster-hangzhou (the
//     simulated load model's figures) from its pods serving until the
//     policy's weight there is 0, and until every member's VirtualService says so.
func BenchmarkTrafficWeights(b *testing.B) {
	ctrllog.SetLogger(logr.Discard())
	f, err := framework.StartWith(b.Context(), framework.Options{Prometheus: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = f.Stop() })
	var change, breachToStatus, breachToMembers []time.Duration
	for run := range 5 {
		ns := fmt.Sprintf("traffic-%d", run)
		change = append(change, weightChangeOnce(b, f, ns))
		s, m := drainOnce(b, f, ns)
		breachToStatus, breachToMembers = append(breachToStatus, s), append(breachToMembers, m)
	}
	b.ReportMetric(float64(percentile(change, 0.5).Milliseconds()), "change-ms-p50")
	b.ReportMetric(float64(slices.Max(change).Milliseconds()), "change-ms-max")
	b.ReportMetric(float64(percentile(breachToStatus, 0.5).Milliseconds()), "breach-to-0-ms-p50")
	b.ReportMetric(float64(slices.Max(breachToStatus).Milliseconds()), "breach-to-0-ms-max")
	b.ReportMetric(float64(percentile(breachToMembers, 0.5).Milliseconds()), "breach-to-members-ms-p50")
	b.ReportMetric(float64(slices.Max(breachToMembers).Milliseconds()), "breach-to-members-ms-max")
}

func trafficApp(ns string) []client.Object {
	labels := map[string]string{"app": "reviews"}
	targets := []string{"cluster-hangzhou", "cluster-shanghai"}
	return []client.Object{
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: ns}, Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](10), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}}}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: ns}, Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}}},
		&policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "reviews"}, {APIVersion: "v1", Kind: "Service", Name: "reviews"}},
			Placement: policyv1alpha1.Placement{
				ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: targets},
				ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
					ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
					WeightPreference: &policyv1alpha1.ClusterPreferences{StaticWeightList: []policyv1alpha1.StaticClusterWeight{
						{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: targets[:1]}, Weight: 1},
						{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: targets[1:]}, Weight: 1}}}},
			}}},
		&networkingv1alpha1.TrafficPolicy{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: ns}, Spec: networkingv1alpha1.TrafficPolicySpec{
			Host:           "reviews." + ns + ".svc.cluster.local",
			WorkloadRef:    &networkingv1alpha1.WorkloadReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "reviews"},
			ClusterWeights: []networkingv1alpha1.ClusterWeight{{Cluster: "cluster-hangzhou", Weight: 60}, {Cluster: "cluster-shanghai", Weight: 40}},
			SLO:            &networkingv1alpha1.TrafficSLO{MinSuccessRate: "99", Interval: &metav1.Duration{Duration: 5 * time.Second}},
			// No damping, so the change is measured, not the guards.
			Guards: &networkingv1alpha1.WeightGuards{Hysteresis: ptr.To[int32](0), MaxStep: ptr.To[int32](100), Cooldown: &metav1.Duration{}},
		}},
	}
}

func policyWeights(ctx context.Context, c client.Client, ns string) map[string]int32 {
	tp := &networkingv1alpha1.TrafficPolicy{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "reviews"}, tp); err != nil {
		return nil
	}
	out := map[string]int32{}
	for _, c := range tp.Status.Clusters {
		out[c.Name] = c.RouteWeight
	}
	return out
}

// membersCarry reports whether every member's VirtualService has the weight
// for cluster-hangzhou's subset.
func membersCarry(ctx context.Context, dyns []dynamic.Interface, ns string, hangzhou int64) bool {
	gvr := schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "virtualservices"}
	for _, d := range dyns {
		vs, err := d.Resource(gvr).Namespace(ns).Get(ctx, "reviews", metav1.GetOptions{})
		if err != nil {
			return false
		}
		http, _, _ := unstructured.NestedSlice(vs.Object, "spec", "http")
		if len(http) == 0 {
			return false
		}
		route, _, _ := unstructured.NestedSlice(http[0].(map[string]any), "route")
		found := false
		for _, r := range route {
			subset, _, _ := unstructured.NestedString(r.(map[string]any), "destination", "subset")
			w, _, _ := unstructured.NestedInt64(r.(map[string]any), "weight")
			if subset == "cluster-hangzhou" {
				found = w == hangzhou
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func memberDynamics(b *testing.B, f *framework.Fleet) []dynamic.Interface {
	var out []dynamic.Interface
	for _, m := range trafficMembers {
		cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(m))
		if err != nil {
			b.Fatal(err)
		}
		d, err := dynamic.NewForConfig(cfg)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func weightChangeOnce(b *testing.B, f *framework.Fleet, ns string) time.Duration {
	ctx := b.Context()
	c := fastClient(b, f)
	dyns := memberDynamics(b, f)
	createNamespace(b, ctx, c, ns)
	for _, obj := range trafficApp(ns) {
		if err := c.Create(ctx, obj); err != nil {
			b.Fatal(err)
		}
	}
	waitFor(b, 2*time.Minute, "60/40 in every member", func() bool { return membersCarry(ctx, dyns, ns, 60) })
	tp := &networkingv1alpha1.TrafficPolicy{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "reviews"}, tp); err != nil {
		b.Fatal(err)
	}
	patch := client.MergeFrom(tp.DeepCopy())
	tp.Spec.ClusterWeights = []networkingv1alpha1.ClusterWeight{{Cluster: "cluster-hangzhou", Weight: 30}, {Cluster: "cluster-shanghai", Weight: 70}}
	start := time.Now()
	if err := c.Patch(ctx, tp, patch); err != nil {
		b.Fatal(err)
	}
	waitFor(b, time.Minute, "30/70 in every member", func() bool { return membersCarry(ctx, dyns, ns, 30) })
	return time.Since(start)
}

// drainOnce breaks cluster-hangzhou's copy and returns the time from its
// failing pods serving to weight 0 in status, and in every member.
func drainOnce(b *testing.B, f *framework.Fleet, ns string) (time.Duration, time.Duration) {
	ctx := b.Context()
	c := fastClient(b, f)
	dyns := memberDynamics(b, f)
	op := &policyv1alpha1.OverridePolicy{ObjectMeta: metav1.ObjectMeta{Name: "bad-release", Namespace: ns}, Spec: policyv1alpha1.OverrideSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "reviews"}},
		OverrideRules: []policyv1alpha1.RuleWithCluster{{
			TargetCluster: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou"}},
			Overriders: policyv1alpha1.Overriders{Plaintext: []policyv1alpha1.PlaintextOverrider{{
				Path: "/spec/template/metadata/annotations", Operator: policyv1alpha1.OverriderOpAdd,
				Value: &apiextensionsv1.JSON{Raw: []byte(`{"` + kubeletsim.ErrorRateAnnotation + `":"0.5"}`)}}}},
		}}}}
	if err := c.Create(ctx, op); err != nil {
		b.Fatal(err)
	}
	hangzhou, err := f.Member("cluster-hangzhou")
	if err != nil {
		b.Fatal(err)
	}
	waitFor(b, time.Minute, "failing pods serving in cluster-hangzhou", func() bool {
		pods, err := hangzhou.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=reviews"})
		if err != nil {
			return false
		}
		failing := 0
		for _, p := range pods.Items {
			if p.Annotations[kubeletsim.ErrorRateAnnotation] == "0.5" && p.Status.Phase == corev1.PodRunning {
				failing++
			}
		}
		return failing > 0
	})
	start := time.Now()
	waitFor(b, time.Minute, "weight 0 in status", func() bool { return policyWeights(ctx, c, ns)["cluster-hangzhou"] == 0 })
	toStatus := time.Since(start)
	waitFor(b, time.Minute, "weight 0 in every member", func() bool { return membersCarry(ctx, dyns, ns, 0) })
	return toStatus, time.Since(start)
}

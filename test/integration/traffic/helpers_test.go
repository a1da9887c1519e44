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

package traffic_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	"kurator.dev/kurator/internal/cli"
	"kurator.dev/kurator/test/framework"
)

var members = []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}

// apply creates or updates the objects of a YAML stream in namespace ns of
// the control plane (server-side apply, so a test can change them later).
func apply(t *testing.T, ns, manifests string) {
	t.Helper()
	if err := framework.Apply(t.Context(), fleet.ControlPlane, ns, "traffic-test", manifests); err != nil {
		t.Fatal(err)
	}
}

func createNamespace(t *testing.T, ns string) {
	t.Helper()
	if err := fleet.ControlPlane.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
}

// reviewsApp is a Deployment of 10 replicas and its Service (200 requests/s
// fleet-wide), divided between hangzhou and shanghai by the given weights,
// and a TrafficPolicy over it with a 99% success-rate objective.
func reviewsApp(ns string, hangzhou, shanghai int) string {
	return reviewsAppOn(ns, "cluster-hangzhou", hangzhou, "cluster-shanghai", shanghai)
}

// reviewsAppOn is reviewsApp on two given clusters.
func reviewsAppOn(ns, first string, firstWeight int, second string, secondWeight int) string {
	return fmt.Sprintf(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews}
spec:
  replicas: 10
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: {app: reviews}}
    spec: {containers: [{name: app, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, annotations: {sim.kurator.dev/rps: "200"}}
spec: {selector: {app: reviews}, ports: [{port: 80}]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: reviews}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: reviews}
  - {apiVersion: v1, kind: Service, name: reviews}
  placement:
    clusterAffinity: {clusterNames: [%[1]s, %[3]s]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
        - targetCluster: {clusterNames: [%[1]s]}
          weight: %[2]d
        - targetCluster: {clusterNames: [%[3]s]}
          weight: %[4]d
---
apiVersion: networking.kurator.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: reviews}
spec:
  host: reviews.%[5]s.svc.cluster.local
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: reviews}
  slo: {minSuccessRate: "99", interval: 5s}
  guards: {cooldown: 5s}
`, first, firstWeight, second, secondWeight, ns)
}

// weightsOf returns the route weight of each cluster in the policy's status.
func weightsOf(g Gomega, ns string) (map[string]int32, *networkingv1alpha1.TrafficPolicy) {
	tp := &networkingv1alpha1.TrafficPolicy{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "reviews"}, tp)).To(Succeed())
	out := map[string]int32{}
	for _, c := range tp.Status.Clusters {
		out[c.Name] = c.RouteWeight
	}
	return out, tp
}

var virtualServices = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "virtualservices"}

// memberWeights reads the VirtualService Kurator wrote in a member.
func memberWeights(g Gomega, member, ns string) map[string]int64 {
	cfg, err := clientcmd.BuildConfigFromFlags("", fleet.Layout().ClusterKubeconfig(member))
	g.Expect(err).NotTo(HaveOccurred())
	dyn, err := dynamic.NewForConfig(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	vs, err := dyn.Resource(virtualServices).Namespace(ns).Get(context.Background(), "reviews", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	http, _, _ := unstructured.NestedSlice(vs.Object, "spec", "http")
	g.Expect(http).To(HaveLen(1))
	route, _, _ := unstructured.NestedSlice(http[0].(map[string]any), "route")
	out := map[string]int64{}
	for _, r := range route {
		subset, _, _ := unstructured.NestedString(r.(map[string]any), "destination", "subset")
		w, _, _ := unstructured.NestedInt64(r.(map[string]any), "weight")
		out[subset] = w
	}
	return out
}

// expectWeights waits until the policy and every member's VirtualService
// carry the given weights.
func expectWeights(t *testing.T, ns string, want map[string]int32, timeout time.Duration) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		got, tp := weightsOf(g, ns)
		g.Expect(got).To(Equal(want), "status: %s", describe(tp))
		for _, m := range members {
			mw := memberWeights(g, m, ns)
			for c, w := range want {
				g.Expect(mw).To(HaveKeyWithValue(c, int64(w)), "VirtualService in %s", m)
			}
		}
	}).WithTimeout(timeout).WithPolling(time.Second).Should(Succeed())
}

func describe(tp *networkingv1alpha1.TrafficPolicy) string {
	var b strings.Builder
	for _, c := range tp.Status.Clusters {
		fmt.Fprintf(&b, "%s: weight %d health %d%% breaches %d sr %s reasons %v; ", c.Name, c.RouteWeight, c.Health, c.Breaches, c.SuccessRate, c.Reasons)
	}
	for _, c := range tp.Status.Conditions {
		fmt.Fprintf(&b, "%s=%s (%s: %s); ", c.Type, c.Status, c.Reason, c.Message)
	}
	return b.String()
}

// clientForMember is a controller-runtime client for one member.
func clientForMember(name string) (client.Client, error) {
	return framework.ClientFor(fleet.Layout().ClusterKubeconfig(name))
}

// kurator runs the CLI in-process and returns its output; it must succeed.
func kurator(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if code := cli.ExecuteContext(t.Context(), "kurator", args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out}); code != 0 {
		t.Fatalf("kurator %v: exit %d\n%s", args, code, out.String())
	}
	return out.String()
}

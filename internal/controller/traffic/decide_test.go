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

package traffic

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
	trafficspec "kurator.dev/kurator/internal/traffic"
	"kurator.dev/kurator/internal/traffic/weights"
)

func TestHealthOf(t *testing.T) {
	o := trafficspec.Objectives{Set: true, MinSuccessRate: 99, Interval: 10 * time.Second, BreachWindows: 2}
	ok := placedCluster{name: "a", replicas: 4, available: 4, reported: true, ready: true}
	good := map[string]metricsprovider.SLI{"a": {RPS: 100, SuccessRate: 100}}
	bad := map[string]metricsprovider.SLI{"a": {RPS: 100, SuccessRate: 80}}
	prevBreaches := func(n int32) *networkingv1alpha1.ClusterTraffic {
		return &networkingv1alpha1.ClusterTraffic{Breaches: n}
	}
	cases := map[string]struct {
		c         placedCluster
		prev      *networkingv1alpha1.ClusterTraffic
		slis      map[string]metricsprovider.SLI
		evaluated bool
		health    float64
		breaches  int32
	}{
		"healthy":                           {c: ok, slis: good, evaluated: true, health: 1},
		"not ready drains at once":          {c: placedCluster{name: "a", replicas: 4, available: 4, reported: true}, health: 0},
		"availability":                      {c: placedCluster{name: "a", replicas: 4, available: 3, reported: true, ready: true}, health: 0.75},
		"nothing reported yet":              {c: placedCluster{name: "a", replicas: 4, ready: true}, health: 0},
		"one breach is tolerated":           {c: ok, slis: bad, evaluated: true, health: 1, breaches: 1},
		"the second consecutive one drains": {c: ok, prev: prevBreaches(1), slis: bad, evaluated: true, health: 0, breaches: 2},
		"a met objective clears the count":  {c: ok, prev: prevBreaches(1), slis: good, evaluated: true, health: 1},
		"not measured keeps the count":      {c: ok, prev: prevBreaches(2), slis: nil, evaluated: false, health: 0, breaches: 2},
		"silence probes a drained cluster":  {c: ok, prev: prevBreaches(2), slis: map[string]metricsprovider.SLI{}, evaluated: true, health: 1, breaches: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := healthOf(tc.c, tc.prev, o, tc.slis, tc.evaluated)
			NewWithT(t).Expect(h.health).To(BeNumerically("~", tc.health, 1e-9))
			NewWithT(t).Expect(h.breaches).To(Equal(tc.breaches))
		})
	}
}

func TestIstioObjects(t *testing.T) {
	g := NewWithT(t)
	tp := &networkingv1alpha1.TrafficPolicy{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: "prod"},
		Spec: networkingv1alpha1.TrafficPolicySpec{Host: "reviews.prod.svc.cluster.local"}}
	objs := istioObjects(tp, map[string]map[string]string{"v2": {"version": "v2"}}, []weights.RouteWeight{
		{Subset: "", Cluster: "hangzhou", Weight: 60}, {Subset: "v2", Cluster: "shanghai", Weight: 40},
	})
	g.Expect(objs).To(HaveLen(2))
	dr, vs := objs[0], objs[1]
	g.Expect(dr["kind"]).To(Equal("DestinationRule"))
	subsets := dr["spec"].(map[string]any)["subsets"].([]any)
	g.Expect(subsets[0]).To(Equal(map[string]any{"name": "hangzhou", "labels": map[string]any{"topology.istio.io/cluster": "hangzhou"}}))
	g.Expect(subsets[1]).To(Equal(map[string]any{"name": "v2-shanghai", "labels": map[string]any{"topology.istio.io/cluster": "shanghai", "version": "v2"}}))
	g.Expect(dr["spec"].(map[string]any)["trafficPolicy"]).To(HaveKey("outlierDetection"))
	route := vs["spec"].(map[string]any)["http"].([]any)[0].(map[string]any)["route"].([]any)
	g.Expect(route[1]).To(Equal(map[string]any{"destination": map[string]any{"host": "reviews.prod.svc.cluster.local", "subset": "v2-shanghai"}, "weight": int64(40)}))
}

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
	"encoding/json"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// istiodStatus is what an istiod writes: its own condition type, and the
// observed generation as a string (an int64 in proto JSON). One member's
// report also carries a Ready condition, to show that even that does not
// make Kurator aggregate.
const (
	istiodStatus      = `{"observedGeneration":"1","conditions":[{"type":"Reconciled","status":"True"}],"validationMessages":[{"type":{"code":"IST0101"},"level":"ERROR"}]}`
	istiodReadyStatus = `{"observedGeneration":"1","conditions":[{"type":"Ready","status":"False","reason":"Pending"}]}`
)

// Istio's networking kinds, in every version Istio serves, are propagated
// whole, healthy once applied, report their status as it is, and their
// template's status is never written by Kurator: it is istiod's.
func TestIstioKindsAreWholeAndTheirStatusIsIstiods(t *testing.T) {
	const vs = `
apiVersion: networking.istio.io/VERSION
kind: KIND
metadata: {name: reviews, namespace: prod, generation: 3}
spec:
  replicas: 5 # no Istio field: nothing divides it
  hosts: [reviews]
  http:
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 90}
    - {destination: {host: reviews, subset: v2}, weight: 10}
    timeout: 2s
status: {observedGeneration: "2", conditions: [{type: Reconciled, status: "True"}]}
`
	for _, kind := range []string{"VirtualService", "DestinationRule", "ServiceEntry", "Gateway"} {
		for _, version := range []string{"v1", "v1beta1", "v1alpha3"} {
			gvk := schema.GroupVersionKind{Group: "networking.istio.io", Version: version, Kind: kind}
			t.Run(gvk.String(), func(t *testing.T) {
				obj := parse(t, vs)
				obj.SetGroupVersionKind(gvk)
				in := For(gvk)
				if ops := handled(in); ops != nil {
					t.Errorf("handles %v, want nothing of its own", ops)
				}
				if r, err := in.GetReplicas(obj); r != nil || err != nil {
					t.Errorf("GetReplicas = %v, %v; want none: propagated whole", r, err)
				}
				if d, err := in.GetDependencies(obj); d != nil || err != nil {
					t.Errorf("GetDependencies = %v, %v; want none", d, err)
				}
				if h := in.InterpretHealth(obj); h != workv1alpha1.ResourceHealthy {
					t.Errorf("InterpretHealth = %s, want Healthy once applied", h)
				}
				raw, err := in.ReflectStatus(obj)
				if err != nil {
					t.Fatal(err)
				}
				var reflected map[string]any
				if err := json.Unmarshal(raw.Raw, &reflected); err != nil {
					t.Fatal(err)
				}
				if reflected["observedGeneration"] != "2" || reflected["generation"] != float64(3) || reflected["conditions"] == nil {
					t.Errorf("ReflectStatus = %s, want istiod's status as it is plus the generation", raw.Raw)
				}
				members := []MemberStatus{reported("hz", istiodStatus, true, true), reported("sh", istiodReadyStatus, true, true)}
				status, err := in.AggregateStatus(obj, members, time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
				if status != nil || err != nil {
					t.Errorf("AggregateStatus = %v, %v; want nil: the template's status is not Kurator's", status, err)
				}
			})
		}
	}
}

// Other groups of Istio are alike; a group that merely ends in "istio.io"
// without the dot is not Istio's.
func TestIstioGroups(t *testing.T) {
	for group, want := range map[string]bool{
		"networking.istio.io": true, "security.istio.io": true, "telemetry.istio.io": true,
		"extensions.istio.io": true, "notistio.io": false, "example.com": false,
	} {
		if got := istioGroup(schema.GroupKind{Group: group, Kind: "X"}); got != want {
			t.Errorf("istioGroup(%s) = %t, want %t", group, got, want)
		}
		if got := aggregatesByConvention(schema.GroupKind{Group: group, Kind: "X"}); got == want {
			t.Errorf("aggregatesByConvention(%s) = %t, want %t", group, got, !want)
		}
	}
}

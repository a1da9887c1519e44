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

import "testing"

// example12HPA is the seed's example 12 autoscaler: 3 to 20 replicas.
const example12HPA = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: cost-aware-hpa}\n" +
	"spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: cost-sensitive-app}\n  minReplicas: 3\n  maxReplicas: 20\n"

func TestAutoscalerDividesMaxReplicas(t *testing.T) {
	for _, version := range []string{"autoscaling/v2", "autoscaling/v1"} {
		obj := parse(t, "apiVersion: "+version+"\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {minReplicas: 3, maxReplicas: 20}\n")
		r, err := For(obj.GroupVersionKind()).GetReplicas(obj)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil || r.Replicas != 20 || len(r.Requirements.Requests) != 0 {
			t.Fatalf("%s: replicas %+v; want maxReplicas 20 with no per-replica request", version, r)
		}
	}
	bad := parse(t, "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {maxReplicas: 0}\n")
	if _, err := For(bad.GroupVersionKind()).GetReplicas(bad); err == nil {
		t.Fatal("want an error for maxReplicas 0")
	}
}

// Golden divisions: min × share / max rounded to the nearest, halves up,
// within [1, share].
func TestAutoscalerBoundsFollowTheShare(t *testing.T) {
	cases := []struct {
		name             string
		doc              string
		share            int64
		wantMin, wantMax int64
		minUnset         bool
	}{
		{name: "example 12, spot's 80%", doc: example12HPA, share: 16, wantMin: 2, wantMax: 16},
		{name: "example 12, on-demand's 20%", doc: example12HPA, share: 4, wantMin: 1, wantMax: 4},
		{name: "half of 2..10", doc: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {minReplicas: 2, maxReplicas: 10}\n",
			share: 5, wantMin: 1, wantMax: 5},
		{name: "a half rounds up", doc: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {minReplicas: 5, maxReplicas: 10}\n",
			share: 3, wantMin: 2, wantMax: 3},
		{name: "never above the share", doc: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {minReplicas: 10, maxReplicas: 10}\n",
			share: 3, wantMin: 3, wantMax: 3},
		{name: "the whole", doc: example12HPA, share: 20, wantMin: 3, wantMax: 20},
		{name: "no share still bounds at one", doc: example12HPA, share: 0, wantMin: 1, wantMax: 1},
		{name: "an unset minimum stays unset", doc: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {maxReplicas: 10}\n",
			share: 4, wantMax: 4, minUnset: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := parse(t, tc.doc)
			if err := For(obj.GroupVersionKind()).ReviseReplica(obj, Share{Cluster: "c", Replicas: tc.share}); err != nil {
				t.Fatal(err)
			}
			spec := obj.Object["spec"].(map[string]any)
			minReplicas, found := spec["minReplicas"]
			if spec["maxReplicas"] != tc.wantMax || (tc.minUnset && found) || (!tc.minUnset && minReplicas != tc.wantMin) {
				t.Fatalf("min %v max %v; want min %d max %d (min unset: %t)", minReplicas, spec["maxReplicas"], tc.wantMin, tc.wantMax, tc.minUnset)
			}
			if ref := spec["scaleTargetRef"]; tc.doc == example12HPA && ref.(map[string]any)["name"] != "cost-sensitive-app" {
				t.Fatalf("scaleTargetRef changed: %v", ref)
			}
		})
	}
}

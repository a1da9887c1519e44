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

package v1alpha1

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestReplicaSchedulingType(t *testing.T) {
	cases := map[string]struct {
		placement *Placement
		want      ReplicaSchedulingType
	}{
		"nil placement":                    {nil, ReplicaSchedulingTypeDuplicated},
		"no replicaScheduling":             {&Placement{}, ReplicaSchedulingTypeDuplicated},
		"replicaScheduling without a type": {&Placement{ReplicaScheduling: &ReplicaSchedulingStrategy{}}, ReplicaSchedulingTypeDivided},
		"Duplicated": {
			&Placement{ReplicaScheduling: &ReplicaSchedulingStrategy{ReplicaSchedulingType: ReplicaSchedulingTypeDuplicated}},
			ReplicaSchedulingTypeDuplicated,
		},
		"Divided": {
			&Placement{ReplicaScheduling: &ReplicaSchedulingStrategy{ReplicaSchedulingType: ReplicaSchedulingTypeDivided}},
			ReplicaSchedulingTypeDivided,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.placement.ReplicaSchedulingType(); got != tc.want {
				t.Errorf("ReplicaSchedulingType() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEffectiveClusterTolerations(t *testing.T) {
	a := corev1.Toleration{Key: "a", Operator: corev1.TolerationOpExists}
	b := corev1.Toleration{Key: "b", Operator: corev1.TolerationOpExists}
	cases := map[string]struct {
		placement *Placement
		want      []string
	}{
		"nil placement":                  {nil, nil},
		"none":                           {&Placement{}, nil},
		"clusterTolerations only":        {&Placement{ClusterTolerations: []corev1.Toleration{a}}, []string{"a"}},
		"tolerations alias only":         {&Placement{Tolerations: []corev1.Toleration{b}}, []string{"b"}},
		"both, clusterTolerations first": {&Placement{ClusterTolerations: []corev1.Toleration{a}, Tolerations: []corev1.Toleration{b}}, []string{"a", "b"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, tol := range tc.placement.EffectiveClusterTolerations() {
				got = append(got, tol.Key)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("EffectiveClusterTolerations() keys = %v, want %v", got, tc.want)
			}
		})
	}
}

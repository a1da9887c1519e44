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
package cluster

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

func TestPublishedHealth(t *testing.T) {
	cases := map[string]struct {
		conditions []metav1.Condition
		want       Health
	}{
		"nothing published":           {want: ""},
		"other conditions only":       {conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionCompleteAPIEnablements, Status: metav1.ConditionTrue}}, want: ""},
		"ready":                       {conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionTrue, Reason: karmadaclusterv1alpha1.ClusterReady}}, want: Healthy},
		"not reachable":               {conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionFalse, Reason: karmadaclusterv1alpha1.ClusterNotReachable}}, want: Unreachable},
		"not ready":                   {conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionFalse, Reason: karmadaclusterv1alpha1.ClusterNotReady}}, want: Unhealthy},
		"status collection failed":    {conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionFalse, Reason: karmadaclusterv1alpha1.StatusCollectionFailed}}, want: ""},
		"unknown with another reason": {conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionUnknown, Reason: "Whatever"}}, want: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			c := &karmadaclusterv1alpha1.Cluster{Status: karmadaclusterv1alpha1.ClusterStatus{Conditions: tc.conditions}}
			g.Expect(publishedHealth(c)).To(Equal(tc.want))
		})
	}
}

func TestSetTaint(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Minute)
	notReady := karmadaclusterv1alpha1.TaintClusterNotReady
	unreachable := karmadaclusterv1alpha1.TaintClusterUnreachable
	taint := func(key string, effect corev1.TaintEffect, added *time.Time) corev1.Taint {
		tt := corev1.Taint{Key: key, Effect: effect}
		if added != nil {
			tt.TimeAdded = &metav1.Time{Time: *added}
		}
		return tt
	}
	userTaint := corev1.Taint{Key: "maintenance", Value: "true", Effect: corev1.TaintEffectNoSchedule}
	type call struct {
		key     string
		present bool
		now     time.Time
	}
	cases := map[string]struct {
		initial []corev1.Taint
		calls   []call
		want    []corev1.Taint
	}{
		"add once with the time it was added": {
			calls: []call{{notReady, true, t0}},
			want:  []corev1.Taint{taint(notReady, corev1.TaintEffectNoSchedule, &t0)},
		},
		"adding again keeps the first time": {
			calls: []call{{notReady, true, t0}, {notReady, true, t1}},
			want:  []corev1.Taint{taint(notReady, corev1.TaintEffectNoSchedule, &t0)},
		},
		"two keys are independent": {
			calls: []call{{notReady, true, t0}, {unreachable, true, t1}, {notReady, false, t1}},
			want:  []corev1.Taint{taint(unreachable, corev1.TaintEffectNoSchedule, &t1)},
		},
		"remove keeps the other taints in order": {
			initial: []corev1.Taint{userTaint, taint(notReady, corev1.TaintEffectNoSchedule, &t0), taint("z", corev1.TaintEffectNoSchedule, nil)},
			calls:   []call{{notReady, false, t1}},
			want:    []corev1.Taint{userTaint, taint("z", corev1.TaintEffectNoSchedule, nil)},
		},
		"removing an absent taint is a no-op": {
			initial: []corev1.Taint{userTaint},
			calls:   []call{{notReady, false, t0}, {notReady, false, t1}},
			want:    []corev1.Taint{userTaint},
		},
		"a taint of the same key with another effect is not ours": {
			initial: []corev1.Taint{taint(notReady, corev1.TaintEffectNoExecute, nil)},
			calls:   []call{{notReady, false, t0}, {notReady, true, t0}},
			want:    []corev1.Taint{taint(notReady, corev1.TaintEffectNoExecute, nil), taint(notReady, corev1.TaintEffectNoSchedule, &t0)},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			c := &karmadaclusterv1alpha1.Cluster{Spec: karmadaclusterv1alpha1.ClusterSpec{Taints: tc.initial}}
			for _, call := range tc.calls {
				setTaint(c, call.key, corev1.TaintEffectNoSchedule, call.present, call.now)
			}
			g.Expect(c.Spec.Taints).To(HaveLen(len(tc.want)))
			for i := range tc.want {
				g.Expect(c.Spec.Taints[i].MatchTaint(&tc.want[i])).To(BeTrue(), "taint %d: %v", i, c.Spec.Taints[i])
				g.Expect(c.Spec.Taints[i].Value).To(Equal(tc.want[i].Value))
				if tc.want[i].TimeAdded == nil {
					g.Expect(c.Spec.Taints[i].TimeAdded).To(BeNil())
				} else {
					g.Expect(c.Spec.Taints[i].TimeAdded.Time).To(BeTemporally("==", tc.want[i].TimeAdded.Time))
				}
			}
			g.Expect(readyTaint(c) != "").To(Equal(hasReadyTaint(tc.want)))
		})
	}
}

func hasReadyTaint(taints []corev1.Taint) bool {
	for _, t := range taints {
		if t.Key == karmadaclusterv1alpha1.TaintClusterNotReady || t.Key == karmadaclusterv1alpha1.TaintClusterUnreachable {
			return true
		}
	}
	return false
}

func TestSetTaintRemovalLeavesTheOriginalSliceAlone(t *testing.T) {
	g := NewWithT(t)
	added := metav1.NewTime(time.Unix(0, 0))
	original := []corev1.Taint{
		{Key: karmadaclusterv1alpha1.TaintClusterNotReady, Effect: corev1.TaintEffectNoSchedule, TimeAdded: &added},
		{Key: "other", Effect: corev1.TaintEffectNoSchedule},
	}
	c := &karmadaclusterv1alpha1.Cluster{Spec: karmadaclusterv1alpha1.ClusterSpec{Taints: original}}
	setTaint(c, karmadaclusterv1alpha1.TaintClusterNotReady, corev1.TaintEffectNoSchedule, false, time.Unix(10, 0))
	g.Expect(c.Spec.Taints).To(HaveLen(1))
	g.Expect(original[0].Key).To(Equal(karmadaclusterv1alpha1.TaintClusterNotReady), "a shallow copy taken before must still see the taint")
}

func TestNoExecuteFollowsTheGracePeriod(t *testing.T) {
	grace := 10 * time.Second
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	notReady := func(since int64) *karmadaclusterv1alpha1.Cluster {
		c := &karmadaclusterv1alpha1.Cluster{}
		setTaint(c, karmadaclusterv1alpha1.TaintClusterUnreachable, corev1.TaintEffectNoSchedule, true, at(since))
		return c
	}
	effects := func(c *karmadaclusterv1alpha1.Cluster) []string {
		var out []string
		for _, t := range c.Spec.Taints {
			out = append(out, t.Key+":"+string(t.Effect))
		}
		return out
	}

	c := notReady(100)
	if wait := syncNoExecute(c, at(104), grace); wait != 6*time.Second || hasNoExecute(c) {
		t.Fatalf("within the grace period: wait %v, taints %v; want 6s and no NoExecute", wait, effects(c))
	}
	if wait := syncNoExecute(c, at(110), grace); wait != 0 || !hasNoExecute(c) {
		t.Fatalf("after the grace period: wait %v, taints %v; want NoExecute", wait, effects(c))
	}
	// Idempotent: the NoExecute taint keeps its time.
	added, _ := taintAdded(c, karmadaclusterv1alpha1.TaintClusterUnreachable, corev1.TaintEffectNoExecute)
	syncNoExecute(c, at(200), grace)
	if again, _ := taintAdded(c, karmadaclusterv1alpha1.TaintClusterUnreachable, corev1.TaintEffectNoExecute); !again.Equal(added) || len(c.Spec.Taints) != 2 {
		t.Fatalf("second pass changed the taints: %v", effects(c))
	}
	// The member is back: the NoSchedule taint goes, and its twin with it.
	setTaint(c, karmadaclusterv1alpha1.TaintClusterUnreachable, corev1.TaintEffectNoSchedule, false, at(201))
	syncNoExecute(c, at(201), grace)
	if len(c.Spec.Taints) != 0 {
		t.Fatalf("taints after recovery: %v", effects(c))
	}
	// A zero grace taints NoExecute at once.
	c = notReady(300)
	if syncNoExecute(c, at(300), 0); !hasNoExecute(c) {
		t.Fatalf("zero grace: %v", effects(c))
	}
	// A user's taints are left alone.
	c = &karmadaclusterv1alpha1.Cluster{}
	c.Spec.Taints = []corev1.Taint{{Key: "dedicated", Effect: corev1.TaintEffectNoExecute}}
	if syncNoExecute(c, at(1), grace); len(c.Spec.Taints) != 1 {
		t.Fatalf("user taint touched: %v", effects(c))
	}
}

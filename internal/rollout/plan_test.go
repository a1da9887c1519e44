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

package rollout

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
)

func c(name string, kv ...string) Cluster {
	l := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return Cluster{Name: name, Labels: l}
}

func selector(k, v string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{k: v}}
}

// six clusters: one canary, then two regions.
var six = []Cluster{
	c("shanghai", "stage", "canary", "order", "1"),
	c("hangzhou", "region", "asia", "order", "2"),
	c("beijing", "region", "asia", "order", "1"),
	c("frankfurt", "region", "eu", "order", "3"),
	c("paris", "region", "eu", "order", "1"),
	c("dublin", "region", "eu", "order", "2"),
}

func TestPlan(t *testing.T) {
	cases := map[string]struct {
		stages []rolloutv1alpha1.StageConfig
		want   map[string][][]string
		order  []string
	}{
		"canary, then the rest by name, one at a time": {
			stages: []rolloutv1alpha1.StageConfig{{Name: "canary", LabelSelector: selector("stage", "canary")}, {Name: "rest"}},
			want:   map[string][][]string{"canary": {{"shanghai"}}, "rest": {{"beijing"}, {"dublin"}, {"frankfurt"}, {"hangzhou"}, {"paris"}}},
			order:  []string{"canary", "rest"},
		},
		"sorted by an integer label, two at a time": {
			stages: []rolloutv1alpha1.StageConfig{
				{Name: "canary", LabelSelector: selector("stage", "canary")},
				{Name: "asia", LabelSelector: selector("region", "asia"), SortingLabelKey: ptr.To("order"), MaxConcurrency: ptr.To(intstr.FromInt32(2))},
				{Name: "eu", LabelSelector: selector("region", "eu"), SortingLabelKey: ptr.To("order"), MaxConcurrency: ptr.To(intstr.FromString("50%"))},
			},
			want:  map[string][][]string{"canary": {{"shanghai"}}, "asia": {{"beijing", "hangzhou"}}, "eu": {{"paris"}, {"dublin"}, {"frankfurt"}}},
			order: []string{"canary", "asia", "eu"},
		},
		"a percentage of all": {
			stages: []rolloutv1alpha1.StageConfig{{Name: "all", MaxConcurrency: ptr.To(intstr.FromString("100%"))}},
			want:   map[string][][]string{"all": {{"beijing", "dublin", "frankfurt", "hangzhou", "paris", "shanghai"}}},
			order:  []string{"all"},
		},
		"an empty stage is kept": {
			stages: []rolloutv1alpha1.StageConfig{{Name: "gpu", LabelSelector: selector("gpu", "true")}, {Name: "rest"}},
			want:   map[string][][]string{"gpu": nil, "rest": {{"beijing"}, {"dublin"}, {"frankfurt"}, {"hangzhou"}, {"paris"}, {"shanghai"}}},
			order:  []string{"gpu", "rest"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			stages, err := Plan(rolloutv1alpha1.StagedUpdateStrategySpec{Stages: tc.stages}, six)
			g.Expect(err).NotTo(HaveOccurred())
			var order []string
			for _, s := range stages {
				order = append(order, s.Name)
				g.Expect(s.Batches).To(Equal(tc.want[s.Name]), "stage %s", s.Name)
			}
			g.Expect(order).To(Equal(tc.order))
		})
	}
}

func TestPlanErrorsNameTheCluster(t *testing.T) {
	cases := map[string]struct {
		stages []rolloutv1alpha1.StageConfig
		want   string
	}{
		"two stages select one cluster": {
			stages: []rolloutv1alpha1.StageConfig{{Name: "asia", LabelSelector: selector("region", "asia")}, {Name: "hz", LabelSelector: selector("order", "2")}, {Name: "rest"}},
			want:   "cluster hangzhou is selected by stages asia and hz",
		},
		"a cluster in no stage": {
			stages: []rolloutv1alpha1.StageConfig{{Name: "asia", LabelSelector: selector("region", "asia")}, {Name: "eu", LabelSelector: selector("region", "eu")}},
			want:   "clusters shanghai are in no stage",
		},
		"sorting label missing": {
			stages: []rolloutv1alpha1.StageConfig{{Name: "all", SortingLabelKey: ptr.To("tier")}},
			want:   "stage all: cluster beijing has no label tier to sort by",
		},
		"sorting label not an integer": {
			stages: []rolloutv1alpha1.StageConfig{{Name: "all", SortingLabelKey: ptr.To("region")}},
			want:   `label region="asia" is not an integer`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Plan(rolloutv1alpha1.StagedUpdateStrategySpec{Stages: tc.stages}, six)
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
}

func TestRollbackOrderReversesStagesUnderTheSameConcurrency(t *testing.T) {
	g := NewWithT(t)
	stages, err := Plan(rolloutv1alpha1.StagedUpdateStrategySpec{Stages: []rolloutv1alpha1.StageConfig{
		{Name: "canary", LabelSelector: selector("stage", "canary")},
		{Name: "asia", LabelSelector: selector("region", "asia"), SortingLabelKey: ptr.To("order"), MaxConcurrency: ptr.To(intstr.FromInt32(2))},
		{Name: "eu", LabelSelector: selector("region", "eu"), SortingLabelKey: ptr.To("order")},
	}}, six)
	g.Expect(err).NotTo(HaveOccurred())
	// The run failed in eu after paris and dublin updated.
	updated := map[string]bool{"shanghai": true, "beijing": true, "hangzhou": true, "paris": true, "dublin": true}
	g.Expect(RollbackOrder(stages, updated)).To(Equal([][]string{{"dublin"}, {"paris"}, {"hangzhou", "beijing"}, {"shanghai"}}))
	g.Expect(RollbackOrder(stages, map[string]bool{})).To(BeEmpty())
}

func TestMaxFailures(t *testing.T) {
	g := NewWithT(t)
	g.Expect(MaxFailures(nil, 6)).To(Equal(0))
	g.Expect(MaxFailures(ptr.To(intstr.FromInt32(2)), 6)).To(Equal(2))
	g.Expect(MaxFailures(ptr.To(intstr.FromString("50%")), 5)).To(Equal(2), "rounds down")
	g.Expect(MaxFailures(ptr.To(intstr.FromString("10%")), 6)).To(Equal(0))
}

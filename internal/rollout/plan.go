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

// Package rollout is the pure core of staged rollouts: the stage planner
// (which clusters update in which stage and batch), the order of a rollback,
// and the limits of a run. It reads no clock and no client; the rollout
// controller feeds it the clusters a workload is placed on.
package rollout

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
)

// Cluster is a cluster the workload is placed on, with its labels.
type Cluster struct {
	Name   string
	Labels map[string]string
}

// Stage is one planned stage: its clusters in update order, cut into
// batches of at most maxConcurrency.
type Stage struct {
	Name    string
	Batches [][]string
	Config  rolloutv1alpha1.StageConfig
}

// Clusters lists the stage's clusters in update order.
func (s Stage) Clusters() []string {
	var out []string
	for _, b := range s.Batches {
		out = append(out, b...)
	}
	return out
}

// Plan assigns every cluster to exactly one stage. A stage with a label
// selector takes the clusters it selects; a stage without one takes the
// clusters no stage selects (the first such stage takes them all). A cluster
// two selectors select, or one no stage takes, is an error that names it:
// the order of a rollout must never be a guess. A stage may end up empty; it
// is kept, with no batches, so its tasks still show in the run.
func Plan(spec rolloutv1alpha1.StagedUpdateStrategySpec, clusters []Cluster) ([]Stage, error) {
	owner := map[string]string{}
	selected := make([][]Cluster, len(spec.Stages))
	rest := -1
	for i, st := range spec.Stages {
		if st.LabelSelector == nil {
			if rest < 0 {
				rest = i
			}
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(st.LabelSelector)
		if err != nil {
			return nil, fmt.Errorf("stage %s: labelSelector: %w", st.Name, err)
		}
		for _, c := range clusters {
			if !sel.Matches(labels.Set(c.Labels)) {
				continue
			}
			if prev, taken := owner[c.Name]; taken {
				return nil, fmt.Errorf("cluster %s is selected by stages %s and %s; each cluster must belong to one stage", c.Name, prev, st.Name)
			}
			owner[c.Name] = st.Name
			selected[i] = append(selected[i], c)
		}
	}
	var unassigned []string
	for _, c := range clusters {
		if _, taken := owner[c.Name]; taken {
			continue
		}
		if rest < 0 {
			unassigned = append(unassigned, c.Name)
			continue
		}
		owner[c.Name] = spec.Stages[rest].Name
		selected[rest] = append(selected[rest], c)
	}
	if len(unassigned) > 0 {
		sort.Strings(unassigned)
		return nil, fmt.Errorf("clusters %s are in no stage; add a stage without a labelSelector to take the rest", strings.Join(unassigned, ", "))
	}
	stages := make([]Stage, 0, len(spec.Stages))
	for i, st := range spec.Stages {
		ordered, err := order(selected[i], st.SortingLabelKey)
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", st.Name, err)
		}
		stages = append(stages, Stage{Name: st.Name, Config: st, Batches: Batches(ordered, Concurrency(st.MaxConcurrency, len(ordered)))})
	}
	return stages, nil
}

// order sorts by the integer value of the sorting label, then by name.
func order(clusters []Cluster, key *string) ([]string, error) {
	type keyed struct {
		name string
		rank int
	}
	ks := make([]keyed, 0, len(clusters))
	byName := slices.Clone(clusters)
	sort.Slice(byName, func(i, j int) bool { return byName[i].Name < byName[j].Name })
	for _, c := range byName {
		k := keyed{name: c.Name}
		if key != nil {
			v, ok := c.Labels[*key]
			if !ok {
				return nil, fmt.Errorf("cluster %s has no label %s to sort by", c.Name, *key)
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("cluster %s: label %s=%q is not an integer", c.Name, *key, v)
			}
			k.rank = n
		}
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].rank != ks[j].rank {
			return ks[i].rank < ks[j].rank
		}
		return ks[i].name < ks[j].name
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.name
	}
	return out, nil
}

// Concurrency resolves maxConcurrency for a stage of n clusters: default 1,
// a percentage rounds down, never below 1.
func Concurrency(v *intstr.IntOrString, n int) int {
	if v == nil {
		return 1
	}
	c := v.IntValue()
	if v.Type == intstr.String {
		p, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
		c = p * n / 100
	}
	return max(c, 1)
}

// Batches cuts names into batches of at most size.
func Batches(names []string, size int) [][]string {
	var out [][]string
	for len(names) > 0 {
		n := min(size, len(names))
		out = append(out, names[:n:n])
		names = names[n:]
	}
	return out
}

// RollbackOrder is the order in which updated clusters return to the
// previous revision: stages in reverse, each stage's clusters in reverse
// update order, in batches of the stage's own concurrency.
func RollbackOrder(stages []Stage, updated map[string]bool) [][]string {
	var out [][]string
	for i := len(stages) - 1; i >= 0; i-- {
		clusters := stages[i].Clusters()
		var back []string
		for j := len(clusters) - 1; j >= 0; j-- {
			if updated[clusters[j]] {
				back = append(back, clusters[j])
			}
		}
		out = append(out, Batches(back, Concurrency(stages[i].Config.MaxConcurrency, len(clusters)))...)
	}
	return slices.Clip(out)
}

// MaxFailures resolves the strategy's maxFailures over the run's clusters:
// default 0, a percentage rounds down.
func MaxFailures(v *intstr.IntOrString, total int) int {
	if v == nil {
		return 0
	}
	if v.Type == intstr.String {
		p, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
		return p * total / 100
	}
	return max(v.IntValue(), 0)
}

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
// Package scheduler decides where a workload runs and how its replicas split.
// It is pure: a snapshot of clusters and a workload in, a decision with its
// explanation out. The controller, 'kurator schedule' and 'kurator describe'
// share it.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"math"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
	"kurator.dev/kurator/internal/scheduler/plugins/apienablement"
	"kurator.dev/kurator/internal/scheduler/plugins/clusteraffinity"
	"kurator.dev/kurator/internal/scheduler/plugins/clusterlocality"
	"kurator.dev/kurator/internal/scheduler/plugins/spreadconstraint"
	"kurator.dev/kurator/internal/scheduler/plugins/tainttoleration"
)

// DefaultRegistry holds every built-in plugin.
func DefaultRegistry() framework.Registry {
	return framework.Registry{
		apienablement.Name:    apienablement.New,
		tainttoleration.Name:  tainttoleration.New,
		clusteraffinity.Name:  clusteraffinity.New,
		spreadconstraint.Name: spreadconstraint.New,
		clusterlocality.Name:  clusterlocality.New,
	}
}

// DefaultConfig enables every built-in plugin.
func DefaultConfig() framework.Config {
	return framework.Config{
		Filters: []string{apienablement.Name, tainttoleration.Name, clusteraffinity.Name, spreadconstraint.Name},
		Scores:  []framework.WeightedPlugin{{Name: clusteraffinity.Name, Weight: 1}, {Name: clusterlocality.Name, Weight: 1}},
	}
}

// Scheduler makes decisions with a configured plugin set.
type Scheduler struct {
	fw *framework.Framework
}

// New builds a scheduler from the default registry.
func New(cfg framework.Config) (*Scheduler, error) {
	fw, err := framework.New(DefaultRegistry(), cfg)
	if err != nil {
		return nil, err
	}
	return &Scheduler{fw: fw}, nil
}

// Result is a decision and why it was made.
type Result struct {
	Clusters []framework.TargetCluster
	// AffinityName is the clusterAffinities term used, if any.
	AffinityName string
	Explanation  Explanation
}

// Explanation records the reasoning of a decision for humans.
type Explanation struct {
	Candidates []Candidate
	// Strategy names the division used.
	Strategy string
	// Division shows the arithmetic.
	Division string
	// Terms lists the clusterAffinities terms tried and why earlier ones failed.
	Terms []string
}

// Candidate is one cluster as the decision saw it.
type Candidate struct {
	Name     string
	Feasible bool
	Reasons  []string
	Score    int64
	// Available is how many replicas it could run (-1: not estimated).
	Available int64
	Assigned  int64
	Selected  bool
	tier      int
	// capacity is free room plus what the workload runs there already.
	capacity int64
	info     *framework.ClusterInfo
}

type term struct {
	name     string
	affinity *policyv1alpha1.ClusterAffinity
	overflow []policyv1alpha1.OverflowAffinity
}

func terms(p *policyv1alpha1.Placement) []term {
	if p == nil {
		return []term{{}}
	}
	if len(p.ClusterAffinities) == 0 {
		return []term{{affinity: p.ClusterAffinity}}
	}
	out := make([]term, 0, len(p.ClusterAffinities))
	for i := range p.ClusterAffinities {
		t := &p.ClusterAffinities[i]
		out = append(out, term{name: t.AffinityName, affinity: &t.ClusterAffinity, overflow: t.OverflowAffinities})
	}
	return out
}

// Schedule decides for one workload. With ordered clusterAffinities the
// terms are tried from the first on every decision, so a workload returns to
// a preferred term as soon as it fits again (Karmada stays on the later term).
// On error the returned Result still carries the explanation.
func (s *Scheduler) Schedule(ctx context.Context, snap *framework.Snapshot, w *framework.Workload) (*Result, error) {
	var first error
	var tried []string
	var last *Result
	for _, t := range terms(w.Placement) {
		res, err := s.scheduleTerm(ctx, snap, w, t)
		if err == nil {
			res.AffinityName = t.name
			res.Explanation.Terms = tried
			return res, nil
		}
		if t.name != "" {
			tried = append(tried, fmt.Sprintf("term %s: %v", t.name, err))
		}
		if first == nil {
			first = err
		}
		last = res
	}
	if last != nil {
		last.Explanation.Terms = tried
	}
	return last, first
}

func (s *Scheduler) scheduleTerm(ctx context.Context, snap *framework.Snapshot, w *framework.Workload, t term) (*Result, error) {
	state := framework.NewCycleState(w, t.affinity, t.overflow)
	res := &Result{}
	fit := &FitError{Total: len(snap.Clusters), Reasons: map[string][]string{}}
	// Explanation entries stay in snapshot order; feasible ones are ranked
	// separately and written back in place.
	all := make([]Candidate, len(snap.Clusters))
	feasibleAt := make([]int, 0, len(snap.Clusters))
	for i, c := range snap.Clusters {
		all[i] = Candidate{Name: c.Name(), Available: -1, info: c}
		if !c.Cluster.DeletionTimestamp.IsZero() {
			all[i].Reasons = []string{"cluster is being deleted"}
			fit.Reasons["cluster is being deleted"] = append(fit.Reasons["cluster is being deleted"], c.Name())
			continue
		}
		if st := s.fw.RunFilters(ctx, state, c); !st.IsSuccess() {
			msg := st.Message()
			if st.Code == framework.Error {
				res.Explanation.Candidates = all
				return res, errors.New(msg)
			}
			all[i].Reasons = []string{msg}
			fit.Reasons[msg] = append(fit.Reasons[msg], c.Name())
			continue
		}
		feasibleAt = append(feasibleAt, i)
	}
	res.Explanation.Candidates = all
	if len(feasibleAt) == 0 {
		sortCandidates(all)
		return res, fit
	}
	cands := make([]Candidate, len(feasibleAt))
	for j, i := range feasibleAt {
		c := snap.Clusters[i]
		score, st := s.fw.RunScores(ctx, state, c)
		if !st.IsSuccess() {
			return res, errors.New(st.Message())
		}
		cands[j] = Candidate{Name: c.Name(), Feasible: true, Score: score, Available: available(w, c), tier: tier(state, c), info: c, capacity: math.MaxInt32}
		if cands[j].Available >= 0 {
			prev, _ := w.PreviousReplicas(c.Name())
			cands[j].capacity = cands[j].Available + prev
		}
	}
	decision, err := decide(w, cands, &res.Explanation)
	pos := make(map[string]int, len(feasibleAt))
	for _, i := range feasibleAt {
		pos[all[i].Name] = i
	}
	for _, c := range cands {
		all[pos[c.Name]] = c
	}
	sortCandidates(all)
	if err != nil {
		return res, err
	}
	res.Clusters = decision
	return res, nil
}

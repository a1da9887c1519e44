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
	feasible := make([]*framework.ClusterInfo, 0, len(snap.Clusters))
	for _, c := range snap.Clusters {
		if !c.Cluster.DeletionTimestamp.IsZero() {
			res.Explanation.Candidates = append(res.Explanation.Candidates, Candidate{Name: c.Name(), Reasons: []string{"cluster is being deleted"}, Available: -1})
			fit.Reasons["cluster is being deleted"] = append(fit.Reasons["cluster is being deleted"], c.Name())
			continue
		}
		if st := s.fw.RunFilters(ctx, state, c); !st.IsSuccess() {
			msg := st.Message()
			if st.Code == framework.Error {
				return res, errors.New(msg)
			}
			res.Explanation.Candidates = append(res.Explanation.Candidates, Candidate{Name: c.Name(), Reasons: []string{msg}, Available: -1})
			fit.Reasons[msg] = append(fit.Reasons[msg], c.Name())
			continue
		}
		feasible = append(feasible, c)
	}
	if len(feasible) == 0 {
		return res, fit
	}
	cands := make([]Candidate, len(feasible))
	for i, c := range feasible {
		score, st := s.fw.RunScores(ctx, state, c)
		if !st.IsSuccess() {
			return res, errors.New(st.Message())
		}
		cands[i] = Candidate{Name: c.Name(), Feasible: true, Score: score, Available: available(w, c), tier: tier(state, c)}
		prev, _ := w.PreviousReplicas(c.Name())
		cands[i].capacity = math.MaxInt32
		if cands[i].Available >= 0 {
			cands[i].capacity = cands[i].Available + prev
		}
	}
	decision, err := decide(w, feasible, cands, &res.Explanation)
	res.Explanation.Candidates = append(res.Explanation.Candidates, cands...)
	sortCandidates(res.Explanation.Candidates)
	if err != nil {
		return res, err
	}
	res.Clusters = decision
	return res, nil
}

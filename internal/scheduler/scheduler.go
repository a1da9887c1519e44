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
	"slices"
	"strconv"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
	"kurator.dev/kurator/internal/scheduler/plugins/apienablement"
	"kurator.dev/kurator/internal/scheduler/plugins/clusteraffinity"
	"kurator.dev/kurator/internal/scheduler/plugins/clusterlocality"
	"kurator.dev/kurator/internal/scheduler/plugins/objectives"
	"kurator.dev/kurator/internal/scheduler/plugins/spreadconstraint"
	"kurator.dev/kurator/internal/scheduler/plugins/tainttoleration"
)

// DefaultRegistry holds every built-in plugin.
func DefaultRegistry() framework.Registry {
	return framework.Registry{
		apienablement.Name:         apienablement.New,
		tainttoleration.Name:       tainttoleration.New,
		clusteraffinity.Name:       clusteraffinity.New,
		spreadconstraint.Name:      spreadconstraint.New,
		clusterlocality.Name:       clusterlocality.New,
		objectives.CostName:        objectives.NewCost,
		objectives.CarbonName:      objectives.NewCarbon,
		objectives.PerformanceName: objectives.NewPerformance,
	}
}

// DefaultConfig enables every built-in plugin.
func DefaultConfig() framework.Config {
	return framework.Config{
		Filters: []string{apienablement.Name, tainttoleration.Name, clusteraffinity.Name, spreadconstraint.Name},
		Scores: []framework.WeightedPlugin{
			{Name: clusteraffinity.Name, Weight: 1}, {Name: clusterlocality.Name, Weight: 1},
			{Name: objectives.CostName, Weight: 1}, {Name: objectives.CarbonName, Weight: 1}, {Name: objectives.PerformanceName, Weight: 1},
		},
	}
}

// Scheduler makes decisions with a configured plugin set.
type Scheduler struct {
	fw *framework.Framework
	// scoring limits the feasible clusters scored (nil: all).
	scoring *scoringShare
}

// New builds a scheduler from the default registry.
func New(cfg framework.Config, opts ...Option) (*Scheduler, error) {
	fw, err := framework.New(DefaultRegistry(), cfg)
	if err != nil {
		return nil, err
	}
	s := &Scheduler{fw: fw}
	for _, o := range opts {
		o(s)
	}
	return s, nil
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
	// KarmadaDifference says how Karmada would decide otherwise, when a
	// Kurator extension decided.
	KarmadaDifference string
	// Move is what the stability rules decided, for a workload an
	// IntelligentScheduler governs.
	Move *Move

	// tierNames name the tiers of a divided decision: the term, then its
	// overflow affinities (or, in Cascade mode, the later terms).
	tierNames []string
}

// tierName names tier t for the explanation: its affinity name, else its
// number.
func (e *Explanation) tierName(t int32) string {
	if int(t) < len(e.tierNames) && e.tierNames[t] != "" {
		return e.tierNames[t]
	}
	return strconv.Itoa(int(t))
}

// Candidate is one cluster as the decision saw it.
type Candidate struct {
	Name     string
	Feasible bool
	Selected bool
	// chosen marks the clusters selection kept, so they can be listed in
	// name order without sorting. Unexported fields sit where they pack
	// best: a decision allocates one Candidate per cluster.
	chosen bool
	// Reasons why the cluster was rejected. Clusters rejected for the same
	// reason share one slice: treat it as read-only.
	Reasons []string
	Score   int64
	// Eval measures the cluster against the workload's objective, when an
	// IntelligentScheduler governs it.
	Eval *objectives.Evaluation
	// Available is how many replicas it could run (-1: not estimated).
	Available int64
	Assigned  int64
	// capacity is free room plus what the workload runs there already.
	capacity int64
	// previous is what the decision in force gives the cluster.
	previous int64
	info     *framework.ClusterInfo
	tier     int32
	// order is the cluster's position in the snapshot sorted by name: the
	// last tie-break of every ranking, compared as an integer.
	order int32
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
	if p.CascadesTiers() {
		// One term whose tiers are the terms, in order: the first term's
		// clusters, then each later term's (a cluster in several belongs
		// to the first that lists it).
		first := &p.ClusterAffinities[0]
		t := term{name: first.AffinityName, affinity: &first.ClusterAffinity}
		for i := range p.ClusterAffinities[1:] {
			later := &p.ClusterAffinities[i+1]
			t.overflow = append(t.overflow, policyv1alpha1.OverflowAffinity{AffinityName: later.AffinityName, ClusterAffinity: later.ClusterAffinity})
		}
		return []term{t}
	}
	out := make([]term, 0, len(p.ClusterAffinities))
	for i := range p.ClusterAffinities {
		t := &p.ClusterAffinities[i]
		out = append(out, term{name: t.AffinityName, affinity: &t.ClusterAffinity, overflow: t.OverflowAffinities})
	}
	return out
}

// Schedule decides for one workload. With ordered clusterAffinities it
// starts, as Karmada does, from the term the decision in force was made with
// (w.ObservedAffinity) and moves to later terms only when that one cannot
// fit: a workload that failed over stays on the later term when an earlier
// one recovers. A fresh decision (a reschedule trigger, or a failback the
// policy opted into) starts from the first term. On error the returned
// Result still carries the explanation.
func (s *Scheduler) Schedule(ctx context.Context, snap *framework.Snapshot, w *framework.Workload) (*Result, error) {
	var first error
	var tried []string
	var last *Result
	all := terms(w.Placement)
	start := startTerm(all, w)
	for _, t := range all[:start] {
		tried = append(tried, fmt.Sprintf("term %s: not tried again, the workload runs on term %s (as in Karmada; %s)",
			t.name, all[start].name, reschedulingHint))
	}
	for _, t := range all[start:] {
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

// reschedulingHint says how a workload returns to an earlier term.
const reschedulingHint = "'kurator rebalance' or the policy annotation policy.kurator.dev/failback-after moves it back"

// startTerm is the index of the term scheduling starts from: the observed
// one, or the first for a fresh decision or an unknown name (Karmada's
// getAffinityIndex).
func startTerm(all []term, w *framework.Workload) int {
	if w.Fresh || w.ObservedAffinity == "" {
		return 0
	}
	for i, t := range all {
		if t.name == w.ObservedAffinity {
			return i
		}
	}
	return 0
}

func (s *Scheduler) scheduleTerm(ctx context.Context, snap *framework.Snapshot, w *framework.Workload, t term) (*Result, error) {
	state := framework.NewCycleState(w, t.affinity, t.overflow)
	res := &Result{}
	// Explanation entries are filled in snapshot order and put in name order
	// at the end; until then the feasible ones are worked on in place,
	// through pointers, so no candidate is copied.
	all := make([]Candidate, len(snap.Clusters))
	res.Explanation.Candidates = all
	var rejected rejections
	feasible := make([]*Candidate, 0, len(snap.Clusters))
	// Snapshots usually come sorted by name, which this pass confirms.
	sorted := true
	for i, c := range snap.Clusters {
		all[i] = Candidate{Name: c.Name(), Available: -1, info: c, order: int32(i)}
		if i > 0 && all[i-1].Name > all[i].Name {
			sorted = false
		}
		if !c.Cluster.DeletionTimestamp.IsZero() {
			all[i].Reasons = rejected.of(deletingReason)
			continue
		}
		if st := s.fw.RunFilters(ctx, state, c); !st.IsSuccess() {
			if st.Code == framework.Error {
				return res, errors.New(st.Message())
			}
			all[i].Reasons = rejected.ofStatus(st)
			continue
		}
		feasible = append(feasible, &all[i])
	}
	if !sorted {
		numberByName(all)
	}
	if len(feasible) == 0 {
		fit := newFitError(all)
		sortCandidates(all)
		return res, fit
	}
	need := newDemand(w)
	var evals objectives.Evaluations
	if w.Objective != nil {
		infos := make([]*framework.ClusterInfo, len(feasible))
		for i, c := range feasible {
			infos[i] = c.info
		}
		if st := s.fw.RunPreScores(ctx, state, infos); !st.IsSuccess() {
			return res, errors.New(st.Message())
		}
		evals, _ = objectives.Of(state)
	}
	scoring := s.scoring.plan(len(feasible))
	for i, c := range feasible {
		if evals != nil {
			c.Eval = evals[c.Name]
		}
		score, st := scoring.score(ctx, s.fw, state, i, c.info)
		if !st.IsSuccess() {
			// A failed scoring leaves no candidate half scored.
			for _, f := range feasible {
				f.Feasible, f.Score, f.Available, f.tier, f.capacity, f.previous = false, 0, -1, 0, 0, 0
			}
			return res, errors.New(st.Message())
		}
		c.Feasible, c.Score, c.Available, c.tier, c.capacity = true, score, need.available(c.info), tier(state, c.info), math.MaxInt32
		c.previous, _ = w.PreviousReplicas(c.Name)
		if c.Available >= 0 {
			c.capacity = c.Available + c.previous
		}
	}
	if !sorted {
		slices.SortFunc(feasible, byOrder)
	}
	if len(t.overflow) > 0 {
		res.Explanation.tierNames = append(res.Explanation.tierNames, t.name)
		for _, o := range t.overflow {
			res.Explanation.tierNames = append(res.Explanation.tierNames, o.AffinityName)
		}
	}
	decision, err := decide(w, feasible, &res.Explanation)
	scoring.explain(&res.Explanation)
	sortCandidates(all)
	if err != nil {
		return res, err
	}
	res.Clusters = decision
	return res, nil
}

const deletingReason = "cluster is being deleted"

// rejections interns rejection reasons: every cluster rejected for the same
// reason gets the same one-element Reasons slice, and a status a plugin
// shares between clusters is rendered once.
type rejections struct {
	last        *framework.Status
	lastReasons []string
	byMessage   map[string][]string
}

func (r *rejections) ofStatus(st *framework.Status) []string {
	if st != r.last {
		r.last, r.lastReasons = st, r.of(st.Message())
	}
	return r.lastReasons
}

func (r *rejections) of(msg string) []string {
	rs, ok := r.byMessage[msg]
	if !ok {
		if r.byMessage == nil {
			r.byMessage = map[string][]string{}
		}
		// A full slice: appending to it copies, never touching other clusters.
		rs = []string{msg}
		r.byMessage[msg] = rs
	}
	return rs
}

// newFitError groups the rejected clusters by reason, in snapshot order. It
// is only built when no cluster fits.
func newFitError(all []Candidate) *FitError {
	fit := &FitError{Total: len(all), Reasons: map[string][]string{}}
	for _, c := range all {
		if len(c.Reasons) > 0 {
			fit.Reasons[c.Reasons[0]] = append(fit.Reasons[c.Reasons[0]], c.Name)
		}
	}
	return fit
}

// numberByName sets each candidate's order to its position by name.
func numberByName(all []Candidate) {
	byName := make([]int32, len(all))
	for i := range byName {
		byName[i] = int32(i)
	}
	slices.SortFunc(byName, func(a, b int32) int { return strings.Compare(all[a].Name, all[b].Name) })
	for pos, i := range byName {
		all[i].order = int32(pos)
	}
}

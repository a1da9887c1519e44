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
// Package framework defines what the scheduler's plugins see and return: an
// immutable snapshot of clusters, the workload being scheduled, per-cycle
// state, and Filter/Score extension points in the kube-scheduler style.
package framework

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"kurator.dev/kurator/internal/clusterproperties"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/affinity"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// ClusterInfo is one cluster of a snapshot. It must not be modified.
type ClusterInfo struct {
	Cluster *karmadaclusterv1alpha1.Cluster
	// Nodes, when known, give per-node capacity; otherwise the cluster's
	// resource summary is used.
	Nodes []estimator.Node
	// Reserved are replicas decided for other workloads but not yet running.
	Reserved []estimator.Reservation

	freeOnce sync.Once
	free     map[corev1.ResourceName]int64

	propsOnce sync.Once
	props     clusterproperties.Properties
}

// Free is the cluster's unused capacity per resource, in milli-units, from
// its resource summary (allocatable - allocated - allocating). It is
// computed once per snapshot.
func (c *ClusterInfo) Free() map[corev1.ResourceName]int64 {
	c.freeOnce.Do(func() {
		rs := c.Cluster.Status.ResourceSummary
		c.free = map[corev1.ResourceName]int64{}
		if rs == nil {
			return
		}
		for name, total := range rs.Allocatable {
			used, pending := rs.Allocated[name], rs.Allocating[name]
			c.free[name] = total.MilliValue() - used.MilliValue() - pending.MilliValue()
		}
	})
	return c.free
}

// Name of the cluster.
func (c *ClusterInfo) Name() string { return c.Cluster.Name }

// Snapshot is the immutable view of the fleet one decision is made on.
type Snapshot struct {
	Clusters []*ClusterInfo
}

// TargetCluster is a cluster and its replicas in a decision.
type TargetCluster struct {
	Name     string
	Replicas int64
}

// Workload is what is being scheduled: a binding's template and placement.
type Workload struct {
	UID       string
	Namespace string
	Name      string
	GVK       schema.GroupVersionKind
	// Resource is the plural resource name, for API enablement checks.
	Resource string
	// Replicas is 0 for kinds without replicas (duplicated as they are).
	Replicas int64
	// Requirements of one replica; nil for kinds without replicas.
	Requirements *estimator.Requirements
	// MinPerCluster, above one, is a gang's minimum: a divided decision
	// gives a cluster none of the replicas or at least this many.
	MinPerCluster int64
	Placement     *policyv1alpha1.Placement
	// Previous is the decision in force, if any.
	Previous []TargetCluster
	// Unready is, by cluster, how many of the replicas the decision in
	// force gives it are not ready there (a Kurator extension): a dynamic
	// division that scales down removes those first. Empty when no
	// cluster reported, or when the workload is not scaling down.
	Unready map[string]int64
	// Fresh asks for a rebalance from scratch instead of a steady change;
	// with ordered clusterAffinities it also starts from the first term.
	Fresh bool
	// CostWeighted divides by relative cost where the policy gives no
	// weights (the policy annotation scheduling.karmada.io/cost-weight).
	CostWeighted bool
	// Now is when cluster properties are read, for their freshness; zero
	// takes every timestamped value as fresh.
	Now time.Time
	// Objective, when an IntelligentScheduler governs the workload, adds
	// its objectives to scoring and division (a Kurator extension).
	Objective *Objective
	// ObservedAffinity is the clusterAffinities term the decision in force
	// was made with (status.schedulerObservingAffinityName): as in Karmada,
	// scheduling starts from it and earlier terms are not tried again.
	ObservedAffinity string

	previous map[string]previousTarget
}

type previousTarget struct {
	replicas int64
	position int
}

// PreviousReplicas returns what the previous decision gave a cluster, and
// whether it was part of it. A Workload is used by one decision at a time.
func (w *Workload) PreviousReplicas(cluster string) (int64, bool) {
	t, ok := w.previousTarget(cluster)
	return t.replicas, ok
}

// PreviousPosition is the cluster's place in the previous decision's list
// (len(Previous) when it is not there): Karmada keeps that order among
// clusters with equal replicas when it scales down.
func (w *Workload) PreviousPosition(cluster string) int {
	if t, ok := w.previousTarget(cluster); ok {
		return t.position
	}
	return len(w.Previous)
}

func (w *Workload) previousTarget(cluster string) (previousTarget, bool) {
	if w.previous == nil {
		w.previous = make(map[string]previousTarget, len(w.Previous))
		for i, t := range w.Previous {
			w.previous[t.Name] = previousTarget{replicas: t.Replicas, position: i}
		}
	}
	t, ok := w.previous[cluster]
	return t, ok
}

// Code is the outcome of a plugin.
type Code int

const (
	// Success means the cluster passes.
	Success Code = iota
	// Unschedulable means the cluster cannot take the workload.
	Unschedulable
	// Error means the plugin failed.
	Error
)

// Status is a plugin's verdict with its reasons. A nil *Status is success.
type Status struct {
	Code    Code
	Plugin  string
	Reasons []string
}

// NewStatus builds a status.
func NewStatus(code Code, reasons ...string) *Status { return &Status{Code: code, Reasons: reasons} }

// IsSuccess reports success (nil counts).
func (s *Status) IsSuccess() bool { return s == nil || s.Code == Success }

// Message renders the reasons, prefixed by the plugin.
func (s *Status) Message() string {
	if s == nil {
		return ""
	}
	msg := strings.Join(s.Reasons, "; ")
	if s.Plugin != "" {
		return s.Plugin + ": " + msg
	}
	return msg
}

// CycleState carries what one decision learns, from plugin to plugin.
type CycleState struct {
	Workload *Workload
	// Affinity is the cluster affinity term in force for this attempt
	// (Placement.ClusterAffinity or the current ClusterAffinities term).
	Affinity *policyv1alpha1.ClusterAffinity
	// OverflowAffinities of the current ClusterAffinities term, if any.
	OverflowAffinities []policyv1alpha1.OverflowAffinity
	// Matcher and OverflowMatchers are Affinity and OverflowAffinities
	// compiled once per cycle.
	Matcher          *affinity.Matcher
	OverflowMatchers []*affinity.Matcher
	data             map[string]any
}

// NewCycleState prepares the state of one attempt at a term.
func NewCycleState(w *Workload, a *policyv1alpha1.ClusterAffinity, overflow []policyv1alpha1.OverflowAffinity) *CycleState {
	s := &CycleState{Workload: w, Affinity: a, OverflowAffinities: overflow, Matcher: affinity.Compile(a)}
	for i := range overflow {
		s.OverflowMatchers = append(s.OverflowMatchers, affinity.Compile(&overflow[i].ClusterAffinity))
	}
	return s
}

// Write stores plugin data for later stages of the cycle.
func (c *CycleState) Write(key string, v any) {
	if c.data == nil {
		c.data = map[string]any{}
	}
	c.data[key] = v
}

// Read returns plugin data stored earlier in the cycle.
func (c *CycleState) Read(key string) (any, bool) {
	v, ok := c.data[key]
	return v, ok
}

// Plugin is the common part of every plugin.
type Plugin interface {
	Name() string
}

// FilterPlugin rejects clusters that cannot take the workload.
type FilterPlugin interface {
	Plugin
	Filter(ctx context.Context, state *CycleState, cluster *ClusterInfo) *Status
}

// ScorePlugin ranks feasible clusters; scores are 0..MaxScore.
type ScorePlugin interface {
	Plugin
	Score(ctx context.Context, state *CycleState, cluster *ClusterInfo) (int64, *Status)
}

// MaxScore is the highest score a plugin gives.
const MaxScore = 100

// Factory builds a plugin.
type Factory func() Plugin

// Registry maps plugin names to factories.
type Registry map[string]Factory

// Config selects the plugins of a scheduler and the weights of scores.
type Config struct {
	Filters []string
	Scores  []WeightedPlugin
}

// WeightedPlugin is a score plugin with its weight.
type WeightedPlugin struct {
	Name   string
	Weight int64
}

// Framework is an instantiated plugin set.
type Framework struct {
	Filters []FilterPlugin
	Scores  []ScorePlugin
	Weights []int64
}

// New instantiates the configured plugins from the registry.
func New(r Registry, c Config) (*Framework, error) {
	f := &Framework{}
	for _, name := range c.Filters {
		factory, ok := r[name]
		if !ok {
			return nil, fmt.Errorf("unknown filter plugin %q", name)
		}
		p, ok := factory().(FilterPlugin)
		if !ok {
			return nil, fmt.Errorf("plugin %q is not a filter plugin", name)
		}
		f.Filters = append(f.Filters, p)
	}
	for _, w := range c.Scores {
		factory, ok := r[w.Name]
		if !ok {
			return nil, fmt.Errorf("unknown score plugin %q", w.Name)
		}
		p, ok := factory().(ScorePlugin)
		if !ok {
			return nil, fmt.Errorf("plugin %q is not a score plugin", w.Name)
		}
		weight := w.Weight
		if weight == 0 {
			weight = 1
		}
		f.Scores = append(f.Scores, p)
		f.Weights = append(f.Weights, weight)
	}
	return f, nil
}

// RunFilters returns nil if every filter passes, else the first failure
// with its plugin named. A plugin may return one status for many clusters
// (and from concurrent decisions) by naming itself in it: such a status is
// never written to, and must not be by callers either.
func (f *Framework) RunFilters(ctx context.Context, state *CycleState, c *ClusterInfo) *Status {
	for _, p := range f.Filters {
		if s := p.Filter(ctx, state, c); !s.IsSuccess() {
			if s.Plugin == "" {
				s.Plugin = p.Name()
			}
			return s
		}
	}
	return nil
}

// RunScores returns the weighted sum of scores.
func (f *Framework) RunScores(ctx context.Context, state *CycleState, c *ClusterInfo) (int64, *Status) {
	var total int64
	for i, p := range f.Scores {
		s, st := p.Score(ctx, state, c)
		if !st.IsSuccess() {
			st.Plugin = p.Name()
			return 0, st
		}
		total += min(max(s, 0), MaxScore) * f.Weights[i]
	}
	return total, nil
}

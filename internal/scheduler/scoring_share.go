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

package scheduler

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	"kurator.dev/kurator/internal/scheduler/framework"
)

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithPercentOfClustersToScore limits how many feasible clusters each
// decision scores, as kube-scheduler's percentageOfNodesToScore limits the
// nodes it scores; percent is read at every decision (0: kube-scheduler's
// adaptive share, 100: all). Without this option every feasible cluster is
// scored, as Karmada does.
func WithPercentOfClustersToScore(percent func() int32) Option {
	return func(s *Scheduler) { s.scoring = &scoringShare{percent: percent} }
}

// kube-scheduler's bounds on the nodes it scores (minFeasibleNodesToFind,
// minFeasibleNodesPercentageToFind), applied to clusters.
const (
	minClustersToScore        = 100
	minPercentOfClustersScore = 5
)

// numFeasibleClustersToScore is how many of the feasible clusters a
// decision scores, by kube-scheduler's numFeasibleNodesToFind: all of them
// below 100; otherwise percent of them (0: 50% less one point per 125
// clusters, at least 5%), but never fewer than 100.
func numFeasibleClustersToScore(percent int32, feasible int) int {
	if feasible < minClustersToScore || percent >= 100 {
		return feasible
	}
	if percent <= 0 {
		percent = adaptivePercent(feasible)
	}
	return max(feasible*int(percent)/100, minClustersToScore)
}

// adaptivePercent is kube-scheduler's share when none is set.
func adaptivePercent(feasible int) int32 {
	return int32(max(50-feasible/125, minPercentOfClustersScore))
}

// scoringShare picks the feasible clusters a decision scores. Which ones
// rotates, as kube-scheduler's nextStartNodeIndex does: each decision starts
// where the previous one stopped, so every cluster gets scored in turn.
type scoringShare struct {
	percent func() int32
	next    atomic.Uint64
}

// scoringPlan says which of a decision's feasible clusters, numbered in
// snapshot order, are scored: count of them from start, wrapping around.
type scoringPlan struct {
	start, count, total int
	percent             int32
}

func (s *scoringShare) plan(feasible int) scoringPlan {
	all := scoringPlan{count: feasible, total: feasible}
	if s == nil || feasible == 0 {
		return all
	}
	percent := s.percent()
	n := numFeasibleClustersToScore(percent, feasible)
	if n >= feasible {
		return all
	}
	end := s.next.Add(uint64(n))
	return scoringPlan{start: int((end - uint64(n)) % uint64(feasible)), count: n, total: feasible, percent: percent}
}

// scores reports whether the i-th feasible cluster is scored.
func (p scoringPlan) scores(i int) bool {
	return (i-p.start+p.total)%p.total < p.count
}

// score runs the score plugins on the i-th feasible cluster if the plan
// scores it; otherwise its score is 0 and it stays feasible.
func (p scoringPlan) score(ctx context.Context, fw *framework.Framework, state *framework.CycleState, i int, c *framework.ClusterInfo) (int64, *framework.Status) {
	if !p.scores(i) {
		return 0, nil
	}
	return fw.RunScores(ctx, state, c)
}

// explain says so when not every feasible cluster was scored.
func (p scoringPlan) explain(e *Explanation) {
	if p.count >= p.total {
		return
	}
	setting := "percentOfNodesToScore " + strconv.Itoa(int(p.percent))
	if p.percent <= 0 {
		setting = fmt.Sprintf("percentOfNodesToScore 0: kube-scheduler's adaptive %d%%", adaptivePercent(p.total))
	}
	e.differsFromKarmada(fmt.Sprintf("Scored %s of %s feasible clusters (%s); the other %s kept score 0 and stayed feasible. Karmada scores every feasible cluster.",
		thousands(p.count), thousands(p.total), setting, thousands(p.total-p.count)))
}

// thousands writes n with comma separators: 1,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

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
	"strings"
	"sync"
	"testing"

	"kurator.dev/kurator/internal/scheduler/framework"
)

func TestNumFeasibleClustersToScore(t *testing.T) {
	for _, tc := range []struct {
		percent  int32
		feasible int
		want     int
	}{
		{0, 0, 0},
		{10, 99, 99},    // below 100 every cluster is scored
		{0, 100, 100},   // 100 * (50 - 0)% = 50, raised to the minimum of 100
		{50, 150, 100},  // 75, raised to 100
		{50, 1000, 500}, // the seed's 50%
		{0, 1000, 420},  // adaptive: 50 - 1000/125 = 42%
		{0, 5000, 500},  // adaptive: 50 - 40 = 10%
		{0, 6000, 300},  // adaptive: 50 - 48 = 2%, raised to 5%
		{0, 10000, 500}, // adaptive: below 5%, raised to 5%
		{100, 5000, 5000},
		{1, 1000, 100}, // 10, raised to 100
	} {
		if got := numFeasibleClustersToScore(tc.percent, tc.feasible); got != tc.want {
			t.Errorf("numFeasibleClustersToScore(%d%%, %d) = %d, want %d", tc.percent, tc.feasible, got, tc.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// countingScore scores every cluster 10 and records which it scored.
type countingScore struct {
	mu     sync.Mutex
	scored map[string]int
}

func (p *countingScore) Name() string { return "Counting" }

func (p *countingScore) Score(_ context.Context, _ *framework.CycleState, c *framework.ClusterInfo) (int64, *framework.Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.scored[c.Name()]++
	return 10, nil
}

func (p *countingScore) take() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.scored
	p.scored = map[string]int{}
	return out
}

func countingScheduler(t *testing.T, opts ...Option) (*Scheduler, *countingScore) {
	t.Helper()
	plugin := &countingScore{scored: map[string]int{}}
	fw, err := framework.New(framework.Registry{plugin.Name(): func() framework.Plugin { return plugin }},
		framework.Config{Scores: []framework.WeightedPlugin{{Name: plugin.Name(), Weight: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	s := &Scheduler{fw: fw}
	for _, o := range opts {
		o(s)
	}
	return s, plugin
}

func manyClusters(n int) *framework.Snapshot {
	snap := &framework.Snapshot{}
	for i := range n {
		snap.Clusters = append(snap.Clusters, makeCluster(fmt.Sprintf("member-%05d", i)).obj())
	}
	return snap
}

// TestScoringShareScoresAndRotates: with percentOfNodesToScore 50, a
// decision over 1,000 feasible clusters scores 500 of them, the next
// decision the other 500; every cluster stays feasible and a duplicated
// workload still goes to all of them.
func TestScoringShareScoresAndRotates(t *testing.T) {
	s, plugin := countingScheduler(t, WithPercentOfClustersToScore(func() int32 { return 50 }))
	snap := manyClusters(1000)
	w := deployment(1, "100m", nil)
	var rounds []map[string]int
	for range 3 {
		res, err := s.Schedule(context.Background(), snap, w)
		if err != nil {
			t.Fatal(err)
		}
		scored := plugin.take()
		rounds = append(rounds, scored)
		if len(scored) != 500 {
			t.Fatalf("scored %d clusters, want 500", len(scored))
		}
		if len(res.Clusters) != 1000 {
			t.Fatalf("the duplicated workload went to %d clusters, want all 1000", len(res.Clusters))
		}
		withScore := 0
		for _, c := range res.Explanation.Candidates {
			if !c.Feasible || !c.Selected {
				t.Fatalf("cluster %s: feasible=%v selected=%v, want both", c.Name, c.Feasible, c.Selected)
			}
			if (c.Score > 0) != (scored[c.Name] > 0) {
				t.Fatalf("cluster %s: score %d, scored %d times", c.Name, c.Score, scored[c.Name])
			}
			if c.Score > 0 {
				withScore++
			}
		}
		if withScore != 500 {
			t.Fatalf("%d candidates have a score, want 500", withScore)
		}
		want := "Scored 500 of 1,000 feasible clusters (percentOfNodesToScore 50); the other 500 kept score 0 and stayed feasible."
		if !strings.Contains(res.Explanation.KarmadaDifference, want) {
			t.Fatalf("explanation %q lacks %q", res.Explanation.KarmadaDifference, want)
		}
	}
	for name := range rounds[0] {
		if rounds[1][name] > 0 {
			t.Fatalf("%s was scored by two decisions in a row: the share did not rotate", name)
		}
	}
	if len(rounds[0]) != len(rounds[2]) {
		t.Fatal("the third decision scored a different number of clusters")
	}
	for name := range rounds[0] {
		if rounds[2][name] == 0 {
			t.Fatalf("%s was scored by the first decision but not the third, which starts over", name)
		}
	}
}

func TestScoringShareAdaptive(t *testing.T) {
	s, plugin := countingScheduler(t, WithPercentOfClustersToScore(func() int32 { return 0 }))
	res, err := s.Schedule(context.Background(), manyClusters(1000), deployment(1, "100m", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(plugin.take()); got != 420 {
		t.Fatalf("scored %d clusters, want 420 (42%% of 1000)", got)
	}
	want := "Scored 420 of 1,000 feasible clusters (percentOfNodesToScore 0: kube-scheduler's adaptive 42%)"
	if !strings.Contains(res.Explanation.KarmadaDifference, want) {
		t.Fatalf("explanation %q lacks %q", res.Explanation.KarmadaDifference, want)
	}
}

// TestScoringShareScoresAllBelow100: below 100 feasible clusters, and
// without the option, every feasible cluster is scored and nothing is said.
func TestScoringShareScoresAllBelow100(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     []Option
		clusters int
	}{
		{"10% of 99", []Option{WithPercentOfClustersToScore(func() int32 { return 10 })}, 99},
		{"no option, 1000", nil, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, plugin := countingScheduler(t, tc.opts...)
			res, err := s.Schedule(context.Background(), manyClusters(tc.clusters), deployment(1, "100m", nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(plugin.take()); got != tc.clusters {
				t.Fatalf("scored %d clusters, want all %d", got, tc.clusters)
			}
			if strings.Contains(res.Explanation.KarmadaDifference, "Scored") {
				t.Fatalf("explanation %q speaks of a share though every cluster was scored", res.Explanation.KarmadaDifference)
			}
		})
	}
}

// TestScoringShareReadsThePercentEveryDecision: a new setting applies to
// the next decision of the same scheduler.
func TestScoringShareReadsThePercentEveryDecision(t *testing.T) {
	var percent int32 = 100
	s, plugin := countingScheduler(t, WithPercentOfClustersToScore(func() int32 { return percent }))
	snap := manyClusters(400)
	for _, tc := range []struct {
		percent int32
		want    int
	}{{100, 400}, {25, 100}, {50, 200}, {100, 400}} {
		percent = tc.percent
		if _, err := s.Schedule(context.Background(), snap, deployment(1, "100m", nil)); err != nil {
			t.Fatal(err)
		}
		if got := len(plugin.take()); got != tc.want {
			t.Fatalf("at %d%%: scored %d clusters, want %d", tc.percent, got, tc.want)
		}
	}
}

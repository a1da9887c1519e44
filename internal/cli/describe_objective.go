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

package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/intelligent"
)

// printObjective shows, for a binding an IntelligentScheduler governs, its
// objective, the stability state, and each cluster's cost, emissions, SLI
// and score per hour for the replicas it was given, with why the best was
// preferred.
func printObjective(w io.Writer, b *workv1alpha2.ResourceBinding, now time.Time) {
	o, ok := intelligent.ReadObjective(b.Annotations)
	if !ok {
		return
	}
	var weights []string
	for _, p := range []struct {
		name string
		w    int64
	}{{"cost", o.Cost}, {"performance", o.Performance}, {"carbon", o.Carbon}} {
		if p.w > 0 {
			weights = append(weights, p.name+" "+strconv.FormatInt(p.w, 10))
		}
	}
	line := "IntelligentScheduler " + o.Scheduler + " (" + strings.Join(weights, ", ")
	if o.MinSuccessRate > 0 {
		line += fmt.Sprintf("; SLO %g%%", o.MinSuccessRate)
	}
	fmt.Fprintf(w, "Objective:    %s)\n", line)
	st := intelligent.ReadOptimization(b.Annotations)
	if st.Reason != "" {
		fmt.Fprintf(w, "  Placement:  %s\n", st.Reason)
	}
	if st.ScaleUpBlockedAt != nil {
		fmt.Fprintf(w, "  Budget:     over budget, scale-up held back for %s\n", now.Sub(st.ScaleUpBlockedAt.Time).Round(time.Second))
	}
	if st.Moving && st.LastStepAt != nil {
		fmt.Fprintf(w, "  Moving:     last step %s ago\n", now.Sub(st.LastStepAt.Time).Round(time.Second))
	}
	if len(st.Agnostic) > 0 {
		names := slices.Sorted(func(yield func(string) bool) {
			for n := range st.Agnostic {
				if !yield(n) {
					return
				}
			}
		})
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n + ":" + strconv.Itoa(int(st.Agnostic[n]))
		}
		fmt.Fprintf(w, "  Policy alone would place: %s\n", strings.Join(parts, ", "))
	}
	e := b.Status.SchedulingExplanation
	if e == nil {
		return
	}
	var evaluated []workv1alpha2.ClusterExplanation
	for _, c := range e.Candidates {
		if c.Objective != nil {
			evaluated = append(evaluated, c)
		}
	}
	if len(evaluated) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  CLUSTER\tASSIGNED\tUSD/H\tGCO2EQ/H\tSLI\tOBJECTIVE-SCORE")
	for _, c := range evaluated {
		ob := c.Objective
		sli := dash(ob.SuccessRate)
		if ob.SuccessRate != "" {
			sli += "%"
		}
		if ob.BelowSLO {
			sli += " (below SLO)"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%d\n", c.Name, c.AssignedReplicas, perHour(ob.USDPerReplicaHour, c.AssignedReplicas),
			perHour(ob.GramsPerReplicaHour, c.AssignedReplicas), sli, ob.Score)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "  (USD/h and gCO2eq/h are for the assigned replicas' requests, at the decision's prices and grid intensity)")
	if why := preferred(evaluated); why != "" {
		fmt.Fprintf(w, "  Preferred:  %s\n", why)
	}
}

// perHour multiplies a per-replica figure by the replicas; "-" when the
// figure is unknown.
func perHour(perReplica string, replicas int32) string {
	v, err := strconv.ParseFloat(perReplica, 64)
	if err != nil {
		return "-"
	}
	if replicas == 0 {
		return strconv.FormatFloat(v, 'g', 3, 64) + "/replica"
	}
	return strconv.FormatFloat(v*float64(replicas), 'g', 4, 64)
}

// preferred says why the best-scored cluster beat the runner-up.
func preferred(cands []workv1alpha2.ClusterExplanation) string {
	if len(cands) < 2 {
		return ""
	}
	order := slices.Clone(cands)
	slices.SortStableFunc(order, func(a, b workv1alpha2.ClusterExplanation) int {
		return cmp.Or(cmpBelow(a.Objective.BelowSLO, b.Objective.BelowSLO), cmp.Compare(b.Objective.Score, a.Objective.Score))
	})
	best, next := order[0], order[1]
	var reasons []string
	if next.Objective.BelowSLO && !best.Objective.BelowSLO {
		reasons = append(reasons, next.Name+" is below the SLO")
	}
	compare := func(what, a, b string, lowerBetter bool) {
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		switch {
		case errA == nil && errB != nil:
			reasons = append(reasons, fmt.Sprintf("%s known (%s) where %s's is not", what, a, next.Name))
		case errA == nil && errB == nil && ((lowerBetter && x < y) || (!lowerBetter && x > y)):
			reasons = append(reasons, fmt.Sprintf("%s %s against %s", what, a, b))
		}
	}
	compare("cost per replica-hour", best.Objective.USDPerReplicaHour, next.Objective.USDPerReplicaHour, true)
	compare("gCO2eq per replica-hour", best.Objective.GramsPerReplicaHour, next.Objective.GramsPerReplicaHour, true)
	compare("SLI", best.Objective.SuccessRate, next.Objective.SuccessRate, false)
	if len(reasons) == 0 {
		return fmt.Sprintf("%s (score %d) and %s (score %d) are level on the objectives", best.Name, best.Objective.Score, next.Name, next.Objective.Score)
	}
	return fmt.Sprintf("%s (score %d) over %s (score %d): %s", best.Name, best.Objective.Score, next.Name, next.Objective.Score, strings.Join(reasons, "; "))
}

func cmpBelow(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

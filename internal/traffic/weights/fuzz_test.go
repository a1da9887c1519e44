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

package weights

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// script reads a fuzzer's bytes as a sequence of small numbers; once the
// bytes run out every read returns 0.
type script struct{ data []byte }

func (s *script) done() bool { return len(s.data) == 0 }

func (s *script) next() byte {
	if s.done() {
		return 0
	}
	b := s.data[0]
	s.data = s.data[1:]
	return b
}

func (s *script) intn(n int) int32 { return int32(int(s.next()) % n) }

// health favours the values the law treats specially: 0, 1, and the edge
// of the wobble band.
func (s *script) health() float64 {
	b := s.next()
	if b < 200 {
		return []float64{0, 0, 0.3, 0.5, 0.9, 0.97, 1, 1}[b%8]
	}
	return float64(b-200) / 55
}

// FuzzCompute plays a script of health, base, membership and clock changes
// through Compute, feeding each decision back as the next state, and checks
// the law's invariants after every decision.
func FuzzCompute(f *testing.F) {
	f.Add([]byte{0, 5, 0, 20, 2, 3, 6, 4, 1, 0, 0, 0, 7, 1, 6, 6, 6, 6})
	f.Add([]byte{5, 2, 1, 5, 3, 5, 60, 8, 0, 0, 3, 6, 0, 6, 6, 0, 6, 6, 6, 6, 6, 6})
	f.Add([]byte{10, 0, 0, 0, 0, 4, 12, 9, 40, 0, 1, 0, 0, 2, 0, 0, 3, 1, 0, 5, 2, 7, 0, 90, 4})
	f.Add([]byte{3, 7, 3, 19, 1, 2, 210, 255, 230, 6, 250, 6, 1, 3, 1, 2, 6, 2, 5, 0, 7, 2, 33})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &script{data: data}
		guards := Guards{
			MinWeight:     s.intn(11),
			Hysteresis:    s.intn(8),
			Cooldown:      time.Duration(s.intn(4)) * 10 * time.Second,
			MaxStep:       1 + s.intn(30),
			RecoverySteps: 1 + s.intn(4),
		}
		var clusters []ClusterInput
		for i := range 1 + s.intn(5) {
			clusters = append(clusters, fresh(fmt.Sprintf("c%d", i), float64(s.intn(11)), s.health()))
		}
		added := len(clusters)
		now := noon
		var prev Decision
		for step := 0; step < 60 && !s.done(); step++ {
			corrupt := -1
			switch op := s.intn(8); {
			case op < 4:
				clusters[s.intn(len(clusters))].Health = s.health()
			case op == 4:
				clusters[s.intn(len(clusters))].Base = float64(s.intn(21)) / 2
			case op == 5 && len(clusters) > 1:
				gone := int(s.intn(len(clusters)))
				clusters = slices.Delete(clusters, gone, gone+1)
			case op == 6:
				clusters = append(clusters, fresh(fmt.Sprintf("c%d", added), float64(s.intn(11)), s.health()))
				added++
			case op == 7:
				corrupt = int(s.intn(len(clusters)))
			}
			now = now.Add(time.Duration(s.intn(8)) * 5 * time.Second)
			in := carry(prev, clusters...)
			in.Guards = guards
			if corrupt >= 0 {
				in.Clusters[corrupt].Known, in.Clusters[corrupt].Weight = true, s.intn(101)
			}
			d, err := Compute(in, now)
			if err != nil {
				t.Fatalf("step %d: Compute: %v", step, err)
			}
			reversed := in
			reversed.Clusters = slices.Clone(in.Clusters)
			slices.Reverse(reversed.Clusters)
			if again, err := Compute(reversed, now); err != nil || !reflect.DeepEqual(again, d) {
				t.Fatalf("step %d: input order changed the decision:\n%+v\n%+v (%v)", step, d, again, err)
			}
			if msg := checkInvariants(in, d, now); msg != "" {
				t.Fatalf("step %d (%s): %s\ninput: %+v\ndecision: %+v", step, d.Summary, msg, in, d)
			}
			prev = d
		}
	})
}

// checkInvariants returns what the decision breaks, or "".
func checkInvariants(in Input, d Decision, now time.Time) string {
	if len(d.Clusters) != len(in.Clusters) {
		return fmt.Sprintf("%d clusters out for %d in", len(d.Clusters), len(in.Clusters))
	}
	inputs := make(map[string]ClusterInput, len(in.Clusters))
	anyKnown, canServe := false, false
	var inForceTotal int32
	for _, c := range in.Clusters {
		inputs[c.Name] = c
		anyKnown = anyKnown || c.Known
		canServe = canServe || c.Base*c.Health > 0
		if c.Known {
			inForceTotal += c.Weight
		}
	}
	var total, targetTotal int32
	changed := false
	for i, out := range d.Clusters {
		c, ok := inputs[out.Name]
		switch {
		case !ok:
			return fmt.Sprintf("cluster %s was not in the input", out.Name)
		case i > 0 && d.Clusters[i-1].Name >= out.Name:
			return "clusters are not sorted by name"
		case out.Weight < 0 || out.Weight > 100:
			return fmt.Sprintf("%s weighs %d", out.Name, out.Weight)
		case canServe && c.Health == 0 && out.Weight != 0:
			return fmt.Sprintf("%s cannot serve but weighs %d", out.Name, out.Weight)
		}
		total += out.Weight
		targetTotal += out.Target
		was := int32(0)
		if c.Known {
			was = c.Weight
		}
		move := out.Weight - was
		changed = changed || move != 0
		switch d.Summary {
		case SummaryCooldown, SummaryHysteresis, SummaryConverged:
			if move != 0 {
				return fmt.Sprintf("%s moved by %d in a hold", out.Name, move)
			}
		case SummaryMoved:
			if abs32(move) > in.Guards.MaxStep {
				return fmt.Sprintf("%s moved by %d, over MaxStep %d", out.Name, move, in.Guards.MaxStep)
			}
			if min(was, out.Target) > out.Weight || out.Weight > max(was, out.Target) {
				return fmt.Sprintf("%s moved from %d past its target %d to %d", out.Name, was, out.Target, out.Weight)
			}
			ramping := (c.Known && c.Recovering) || (!c.Known && anyKnown)
			if limit := ceilDiv(out.Target, in.Guards.RecoverySteps); ramping && move > limit {
				return fmt.Sprintf("recovering %s rose by %d, over %d", out.Name, move, limit)
			}
		}
	}
	switch {
	case total != 100:
		return fmt.Sprintf("weights add up to %d", total)
	case canServe != (targetTotal == 100) || (!canServe && targetTotal != 0):
		return fmt.Sprintf("targets add up to %d", targetTotal)
	case changed != d.Changed:
		return fmt.Sprintf("changed is %v, weights say %v", d.Changed, changed)
	case d.Changed && !d.LastChange.Equal(now), !d.Changed && !d.LastChange.Equal(in.LastChange):
		return fmt.Sprintf("last change %v", d.LastChange)
	case d.Summary == SummaryMoved && !d.Changed:
		return "moved without changing a weight"
	case d.Summary == SummaryMoved && now.Before(in.LastChange.Add(in.Guards.Cooldown)):
		return "moved before the cooldown ended"
	case d.Summary == SummaryNoHealthyCluster && canServe:
		return "fail static while a cluster can serve"
	case d.Summary == SummaryNoHealthyCluster && inForceTotal == 100 && changed:
		return "fail static changed weights"
	case !d.NextEvaluation.IsZero() && d.NextEvaluation.Before(now):
		return fmt.Sprintf("next evaluation %v is in the past", d.NextEvaluation)
	}
	return ""
}

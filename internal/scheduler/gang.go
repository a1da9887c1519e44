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
	"fmt"
	"sort"
	"strings"

	"kurator.dev/kurator/internal/scheduler/framework"
)

// keepGangs applies a workload's gang minimum (Workload.MinPerCluster, a
// Kurator extension; a Volcano Job's minAvailable, a training job's size)
// to a division: a cluster gets none of the replicas or at least the
// minimum. While some cluster holds fewer, the smallest such share (the
// last by name among equals) moves whole to the largest share (the first
// by name among equals), so pieces merge into the clusters the division
// favoured most. A workload smaller than its minimum stays in one cluster.
func keepGangs(w *framework.Workload, out []framework.TargetCluster, expl *Explanation) []framework.TargetCluster {
	gang := w.MinPerCluster
	if gang <= 1 {
		return out
	}
	shares := map[string]int64{}
	for _, t := range out {
		if t.Replicas > 0 {
			shares[t.Name] = t.Replicas
		}
	}
	var moves []string
	for len(shares) > 1 {
		smallest, largest := "", ""
		for name, n := range shares {
			if n < gang && (smallest == "" || n < shares[smallest] || n == shares[smallest] && name > smallest) {
				smallest = name
			}
		}
		if smallest == "" {
			break
		}
		for name, n := range shares {
			if name != smallest && (largest == "" || n > shares[largest] || n == shares[largest] && name < largest) {
				largest = name
			}
		}
		moves = append(moves, fmt.Sprintf("%s's %d to %s", smallest, shares[smallest], largest))
		shares[largest] += shares[smallest]
		delete(shares, smallest)
	}
	if len(moves) == 0 {
		return out
	}
	kept := make([]framework.TargetCluster, 0, len(shares))
	for name, n := range shares {
		kept = append(kept, framework.TargetCluster{Name: name, Replicas: n})
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })
	expl.Division += fmt.Sprintf(" A gang of at least %d replicas per cluster: moved %s.", gang, strings.Join(moves, ", "))
	expl.KarmadaDifference = "Karmada divides a gang's replicas like any others (Kurator keeps at least the gang's minimum together per cluster)."
	return kept
}

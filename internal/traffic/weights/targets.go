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

// targets holds rules 1 and 2 of the law for clusters sorted by name.
type targets struct {
	// points are the integer targets, adding up to 100 when serving.
	points []int32
	// floored marks the clusters the floor lifted.
	floored []bool
	// floor is the floor in effect, possibly below MinWeight.
	floor int32
	// serving is false when no cluster has base × health > 0.
	serving bool
}

// computeTargets renormalises base × health to 100 and then lifts every
// cluster that can serve to the floor, taking the points from the others in
// proportion to their shares.
func computeTargets(clusters []ClusterInput, minWeight int32) targets {
	n := len(clusters)
	t := targets{points: make([]int32, n), floored: make([]bool, n)}
	raw := make([]float64, n)
	eligible := 0
	for i, c := range clusters {
		raw[i] = c.Base * c.Health
		if raw[i] > 0 {
			eligible++
		}
	}
	if eligible == 0 {
		return t
	}
	t.serving = true
	t.floor = min(minWeight, int32(100/eligible))

	// Water-filling: lifting one cluster to the floor shrinks what is left
	// for the others, which may push another below it, so repeat until stable.
	share := make([]float64, n)
	for {
		budget := float64(100 - t.floor*int32(countTrue(t.floored)))
		var free float64
		for i := range clusters {
			if raw[i] > 0 && !t.floored[i] {
				free += raw[i]
			}
		}
		lifted := false
		for i := range clusters {
			share[i] = 0
			switch {
			case t.floored[i]:
				share[i] = float64(t.floor)
			case raw[i] > 0:
				share[i] = budget * raw[i] / free
				if share[i] < float64(t.floor) {
					t.floored[i] = true
					lifted = true
				}
			}
		}
		if !lifted {
			break
		}
	}
	t.points = apportion(share, 100)
	return t
}

func countTrue(values []bool) int {
	count := 0
	for _, v := range values {
		if v {
			count++
		}
	}
	return count
}

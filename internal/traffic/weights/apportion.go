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
	"math"
	"sort"
)

// slack absorbs float error when a share that is an integer on paper comes
// out as 19.999999999; shares never exceed 100, so it is far below a point.
const slack = 1e-9

// apportion rounds non-negative shares that add up to total into integers
// that add up to exactly total: every share gets its floor and the points
// left over go one each to the largest remainders, ties to the lower index.
// Callers order their entries by name, so ties go to the first name.
func apportion(shares []float64, total int32) []int32 {
	out := make([]int32, len(shares))
	if len(shares) == 0 {
		return out
	}
	// Remainders in millionths: an exact order for sort, and float noise
	// cannot split a tie such as 1/3 against 1/3.
	remainder := make([]int64, len(shares))
	left := int64(total)
	for i, share := range shares {
		share = math.Max(share, 0)
		whole := math.Floor(share + slack)
		out[i] = int32(whole)
		remainder[i] = int64(math.Round(math.Max(share-whole, 0) * 1e6))
		left -= int64(whole)
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return remainder[order[a]] > remainder[order[b]] })
	for k := 0; left > 0; k++ {
		out[order[k%len(order)]]++
		left--
	}
	// Only reachable when the shares add up to more than total, which callers
	// avoid; take from the smallest remainders so the sum still holds.
	for k := len(order) - 1; left < 0; k-- {
		if k < 0 {
			k = len(order) - 1
		}
		if i := order[k]; out[i] > 0 {
			out[i]--
			left++
		}
	}
	return out
}

// proportions returns amount split over the entries selected by eligible, in
// proportion to the first of the weightings that gives the selection a
// positive total; with none, it splits equally. Unselected entries get 0.
func proportions(amount float64, eligible []bool, weightings ...[]int32) []float64 {
	out := make([]float64, len(eligible))
	for _, weighting := range weightings {
		var sum float64
		for i, ok := range eligible {
			if ok {
				sum += float64(weighting[i])
			}
		}
		if sum <= 0 {
			continue
		}
		for i, ok := range eligible {
			if ok {
				out[i] = amount * float64(weighting[i]) / sum
			}
		}
		return out
	}
	var count float64
	for _, ok := range eligible {
		if ok {
			count++
		}
	}
	for i, ok := range eligible {
		if ok {
			out[i] = amount / count
		}
	}
	return out
}

func sum32(values []int32) int32 {
	var total int32
	for _, v := range values {
		total += v
	}
	return total
}

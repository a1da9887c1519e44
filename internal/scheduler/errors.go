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
)

// FitError means no cluster passed the filters.
type FitError struct {
	Total int
	// Reasons maps each rejection reason to the clusters rejected by it.
	Reasons map[string][]string
}

func (e *FitError) Error() string {
	reasons := make([]string, 0, len(e.Reasons))
	for r, clusters := range e.Reasons {
		reasons = append(reasons, fmt.Sprintf("%d %s", len(clusters), r))
	}
	sort.Strings(reasons)
	return fmt.Sprintf("0/%d clusters are available: %s", e.Total, strings.Join(reasons, "; "))
}

// UnschedulableError means clusters fit but cannot hold the replicas (or
// the spread constraints cannot be met); the previous decision stays.
type UnschedulableError struct {
	Message string
}

func (e *UnschedulableError) Error() string { return e.Message }

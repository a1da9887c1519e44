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
	"cmp"
	"slices"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// spreadGroup is one region, zone, provider or label value and the ranked
// candidates in it.
type spreadGroup struct {
	key      string
	clusters []*Candidate
	// score is Karmada's group score: how much of its share of the
	// replicas the group holds (in thousands), then the average cluster
	// score.
	score int64
}

// groupBy groups the ranked candidates by a constraint's topology, each
// group's clusters in rank order.
func groupBy(sc policyv1alpha1.SpreadConstraint, ranked []*Candidate) []*spreadGroup {
	var groups []*spreadGroup
	index := map[string]*spreadGroup{}
	for _, c := range ranked {
		k := groupKey(sc, c.info.Cluster)
		g, ok := index[k]
		if !ok {
			g = &spreadGroup{key: k}
			index[k] = g
			groups = append(groups, g)
		}
		g.clusters = append(g.clusters, c)
	}
	return groups
}

// groupScoreUnit puts room before the average cluster score, which is at
// most a few hundred.
const groupScoreUnit = 1000

// scoreGroup is Karmada's group score. Duplicated: how many clusters hold
// every replica, then their average score. Divided: how much of the group's
// share (replicas / minGroups) its best clusters hold, counting clusters
// until the share and the cluster constraint's minGroups are both reached,
// then the average score of the clusters counted.
func scoreGroup(g *spreadGroup, need spreadNeed, groupMin, clusterMin int) int64 {
	if need.duplicated {
		var fit, sum int64
		for _, c := range g.clusters {
			if c.capacity >= need.replicas {
				fit++
				sum += c.Score
			}
		}
		if fit == 0 {
			return 0
		}
		return fit*groupScoreUnit + sum/fit
	}
	share := (need.replicas + int64(groupMin) - 1) / int64(groupMin)
	clusterMin = max(clusterMin, groupMin)
	var room, sum int64
	counted := 0
	for _, c := range g.clusters {
		room += c.capacity
		sum += c.Score
		counted++
		if counted >= clusterMin && room >= share {
			break
		}
	}
	if room < share {
		return room*groupScoreUnit + sum/int64(len(g.clusters))
	}
	return share*groupScoreUnit + sum/int64(counted)
}

// groupPath is a set of groups that satisfies the constraints, with what
// the clusters chosen in it would be.
type groupPath struct {
	// groups sorted by score, then key: the order Karmada takes each
	// group's best cluster in.
	groups   []*spreadGroup
	score    int64
	clusters int
	room     int64
	id       int
	selected []*Candidate
}

// groupSearch finds the groups to use, as Karmada does: a depth-first
// search over the groups (fewest clusters first, then highest score, then
// key) that stops each path as soon as it satisfies the constraints, so
// paths hold the fewest groups that do; the best path by total score, then
// cluster count, then discovery order wins, unless a shorter path is a
// prefix of it.
type groupSearch struct {
	groups   []*spreadGroup
	min, max int
	// clusterMin prunes paths that cannot reach enough clusters.
	clusterMin int
	// assemble chooses the clusters of a path, or says it does not fit;
	// nil when the cluster count alone decides (the clusters are then
	// chosen for the winning path only).
	assemble func(groups []*spreadGroup) ([]*Candidate, bool)
	// byRoom ranks paths by the room of their clusters after score.
	byRoom bool
	// budget bounds the search (paths visited) on pathological fleets.
	budget int
	cut    bool
}

// searchBudget is far above what fleets of hundreds of groups need when
// minGroups and maxGroups are a handful.
const searchBudget = 1 << 16

func (s *groupSearch) run() *groupPath {
	slices.SortFunc(s.groups, func(a, b *spreadGroup) int {
		return cmp.Or(cmp.Compare(len(a.clusters), len(b.clusters)), cmp.Compare(b.score, a.score), strings.Compare(a.key, b.key))
	})
	// mostClusters[n] is the most clusters any n groups hold: a path that
	// cannot reach clusterMin with that many more groups is cut.
	sizes := make([]int, len(s.groups))
	for i, g := range s.groups {
		sizes[i] = len(g.clusters)
	}
	slices.SortFunc(sizes, func(a, b int) int { return b - a })
	mostClusters := make([]int, len(sizes)+1)
	for i, n := range sizes {
		mostClusters[i+1] = mostClusters[i] + n
	}
	// Paths found share one backing array for their groups: a search finds
	// dozens, and a decision should not allocate for each.
	var found []groupPath
	var arena []*spreadGroup
	record := func(path []*spreadGroup, sel []*Candidate) {
		start := len(arena)
		arena = append(arena, path...)
		found = append(found, newGroupPath(arena[start:len(arena):len(arena)], sel, len(found)))
	}
	path := make([]*spreadGroup, 0, s.max)
	visited := 0
	var dfs func(clusters, begin int)
	dfs = func(clusters, begin int) {
		visited++
		if visited > s.budget {
			s.cut = true
			return
		}
		if len(path) >= s.min && len(path) <= s.max && clusters >= s.clusterMin {
			if s.assemble == nil {
				record(path, nil)
				return
			}
			if sel, ok := s.assemble(sortedPath(slices.Clone(path))); ok {
				record(path, sel)
				return
			}
		}
		if len(path) >= s.max || clusters+mostClusters[min(s.max-len(path), len(s.groups)-begin)] < s.clusterMin {
			return
		}
		for i := begin; i < len(s.groups) && !s.cut; i++ {
			path = append(path, s.groups[i])
			dfs(clusters+len(s.groups[i].clusters), i+1)
			path = path[:len(path)-1]
			// With exactly minGroups groups there is one path: all of them.
			if len(s.groups) == s.min {
				break
			}
		}
	}
	dfs(0, 0)
	return s.best(found)
}

// sortedPath sorts a path's groups in place, by score, then key.
func sortedPath(path []*spreadGroup) []*spreadGroup {
	slices.SortFunc(path, func(a, b *spreadGroup) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(a.key, b.key))
	})
	return path
}

// newGroupPath takes ownership of groups.
func newGroupPath(groups []*spreadGroup, sel []*Candidate, id int) groupPath {
	p := groupPath{groups: sortedPath(groups), id: id, selected: sel, room: roomOf(sel)}
	for _, g := range groups {
		p.score += g.score
		p.clusters += len(g.clusters)
	}
	return p
}

func (s *groupSearch) best(found []groupPath) *groupPath {
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b groupPath) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if s.byRoom {
			if c := cmp.Compare(b.room, a.room); c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(b.clusters, a.clusters), cmp.Compare(a.id, b.id))
	})
	best := &found[0]
	for i := range found[1:] {
		if p := &found[i+1]; p.isPrefixOf(best) {
			best = p
		}
	}
	return best
}

// isPrefixOf says whether p is a shorter path whose groups lead q's.
func (p *groupPath) isPrefixOf(q *groupPath) bool {
	if len(p.groups) >= len(q.groups) {
		return false
	}
	for i, g := range p.groups {
		if q.groups[i].key != g.key {
			return false
		}
	}
	return true
}

func groupKeys(groups []*spreadGroup) string {
	keys := make([]string, len(groups))
	for i, g := range groups {
		keys[i] = g.key
	}
	return listSome(keys)
}

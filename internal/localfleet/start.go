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
package localfleet

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/localcluster"
)

// launchBinaries are the binaries the processes of a fleet run.
type launchBinaries struct {
	cluster, controllerManager, kurator, agent string
}

// startClusters starts clusters in parallel — a control plane as its
// processes (an HA fleet's balancer and replicas) — and waits until each
// passes its readiness probe.
func (f *Fleet) startClusters(ctx context.Context, s *State, bins launchBinaries, clusters []localcluster.Config) error {
	type launch struct {
		p     process
		probe func(context.Context) error
	}
	var launches []launch
	for _, c := range clusters {
		if s.balanced(c) {
			launches = append(launches, launch{f.balancerProcess(s, bins.kurator), func(ctx context.Context) error {
				return probeAPIServer(ctx, c.KubeconfigPath)
			}})
			for _, r := range s.HA.ControlPlanes {
				launches = append(launches, launch{f.clusterProcess(r, bins.cluster), componentProbe(components.ControlPlane(r, components.Resources{}))})
			}
			continue
		}
		if c.Role == localcluster.RoleControlPlane {
			if _, replica := s.Replica(c.Name); replica {
				launches = append(launches, launch{f.clusterProcess(c, bins.cluster), componentProbe(components.ControlPlane(c, components.Resources{}))})
				continue
			}
		}
		launches = append(launches, launch{f.clusterProcess(c, bins.cluster), func(ctx context.Context) error {
			return probeAPIServer(ctx, c.KubeconfigPath)
		}})
	}
	for _, c := range clusters {
		if s.balanced(c) {
			continue // the balancer's port; its replicas' ports are checked below
		}
		if err := checkPortFree(c.APIServerPort, c.Name+" kube-apiserver"); err != nil {
			return err
		}
		if err := checkPortFree(c.EtcdClientPort, c.Name+" etcd"); err != nil {
			return err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range launches {
		exited, err := l.p.start(f.opts.DieWithParent)
		if err != nil {
			return err
		}
		g.Go(func() error { return waitHealthy(gctx, l.p, exited, f.opts.ReadyTimeout, l.probe) })
	}
	return g.Wait()
}

// startControllerManagers starts every controller-manager of the fleet that
// is not running and waits until each is ready.
func (f *Fleet) startControllerManagers(ctx context.Context, s *State, bin string) error {
	ports := controllerManagerHealthPorts(s)
	g, gctx := errgroup.WithContext(ctx)
	for i, p := range f.controllerManagerProcesses(s, bin) {
		if _, ok := p.running(); ok {
			continue
		}
		if err := checkPortFree(ports[i], p.Name+" health"); err != nil {
			return err
		}
		exited, err := p.start(f.opts.DieWithParent)
		if err != nil {
			return err
		}
		url := "http://127.0.0.1:" + strconv.Itoa(ports[i]) + "/readyz"
		g.Go(func() error {
			return waitHealthy(gctx, p, exited, f.opts.ReadyTimeout, func(ctx context.Context) error { return probeHTTP(ctx, url) })
		})
	}
	return g.Wait()
}

// componentProbe runs a component's readiness probe against the local
// process, as a kubelet would against its container.
func componentProbe(c components.Component) func(context.Context) error {
	scheme := strings.ToLower(c.Readiness.Scheme)
	url := scheme + "://127.0.0.1:" + strconv.Itoa(c.Readiness.Port) + c.Readiness.Path
	return func(ctx context.Context) error { return probeInsecure(ctx, url) }
}

// waitHealthy polls probe until it succeeds, the process exits (its log tail
// explains why) or the timeout passes.
func waitHealthy(ctx context.Context, p process, exited <-chan error, timeout time.Duration, probe func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		last = probe(pctx)
		pcancel()
		if last == nil {
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("%s exited (%w); last lines of %s:\n%s", p.Name, err, p.LogFile, p.logTail(15))
		case <-ctx.Done():
			return fmt.Errorf("%s did not become healthy within %s (last probe: %w); see %s", p.Name, timeout, last, p.LogFile)
		case <-tick.C:
		}
	}
}

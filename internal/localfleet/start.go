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
	"time"

	"golang.org/x/sync/errgroup"

	"kurator.dev/kurator/internal/localcluster"
)

func (f *Fleet) startClusters(ctx context.Context, s *State, bin string, clusters []localcluster.Config) error {
	for _, c := range clusters {
		if err := checkPortFree(c.APIServerPort, c.Name+" kube-apiserver"); err != nil {
			return err
		}
		if err := checkPortFree(c.EtcdClientPort, c.Name+" etcd"); err != nil {
			return err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range clusters {
		p := f.clusterProcess(c, bin)
		exited, err := p.start(f.opts.DieWithParent)
		if err != nil {
			return err
		}
		g.Go(func() error {
			return waitHealthy(gctx, p, exited, f.opts.ReadyTimeout, func(ctx context.Context) error {
				return probeAPIServer(ctx, c.KubeconfigPath)
			})
		})
	}
	return g.Wait()
}

func (f *Fleet) startControllerManager(ctx context.Context, s *State, bin string) error {
	if err := checkPortFree(s.ControllerManagerHealth, "kurator-controller-manager health"); err != nil {
		return err
	}
	p := f.controllerManagerProcess(s, bin)
	exited, err := p.start(f.opts.DieWithParent)
	if err != nil {
		return err
	}
	url := "http://127.0.0.1:" + strconv.Itoa(s.ControllerManagerHealth) + "/readyz"
	return waitHealthy(ctx, p, exited, f.opts.ReadyTimeout, func(ctx context.Context) error { return probeHTTP(ctx, url) })
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

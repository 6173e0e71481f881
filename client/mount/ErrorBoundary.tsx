import { Component, type ReactNode } from 'react';

interface Props {
  onError: (error: unknown, stack?: string) => void;
  fallback: ReactNode;
  children: ReactNode;
}

/** Contains a piece: if it throws while rendering, the fallback takes its place on this screen. */
export class PieceBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown, info: { componentStack?: string | null }) {
    this.props.onError(error, (error instanceof Error ? error.stack : undefined) ?? info.componentStack ?? undefined);
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

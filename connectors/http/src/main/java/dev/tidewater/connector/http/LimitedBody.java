package dev.tidewater.connector.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into one byte array, and gives up (cancelling the exchange) as soon as
 * it passes {@code limit} bytes, so that one page can never take more memory than that.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
  /** The body passed the limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(int limit) {
      super("the body is larger than " + limit + " bytes");
    }
  }

  private final int limit;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final List<ByteBuffer> buffers = new ArrayList<>();
  private long size;
  private Flow.Subscription subscription;

  LimitedBody(int limit) {
    this.limit = limit;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      size += item.remaining();
      if (size > limit) {
        buffers.clear();
        subscription.cancel();
        body.completeExceptionally(new TooLarge(limit));
        return;
      }
      buffers.add(item);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    buffers.clear();
    body.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    byte[] bytes = new byte[(int) size];
    int position = 0;
    for (ByteBuffer buffer : buffers) {
      int count = buffer.remaining();
      buffer.get(bytes, position, count);
      position += count;
    }
    buffers.clear();
    body.complete(bytes);
  }
}

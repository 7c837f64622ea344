import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * verisat's launcher for mongo-java-server, the MongoDB-wire server of development and tests
 * (src/services/embedded.ts starts it; scripts/install-deps.sh compiles it).
 *
 * <pre>
 *   java -cp 'classes:lib/*' VerisatMongoServer [--port N] (--memory | --h2-file PATH) [--commit-ms 50]
 * </pre>
 *
 * With --h2-file the store is committed every --commit-ms (a kill -9 loses at most that window of
 * acknowledged writes; measured 4-62 of 1,000 sequential inserts at 50 ms), or before every reply
 * with --commit-ms 0 (measured 1,000 of 1,000 kept).
 *
 * Binds 127.0.0.1 only (port 0 or none: a free one) and prints {@code listening 127.0.0.1:PORT} once
 * it accepts connections, which is what the parent waits for. It stops cleanly on SIGTERM and also
 * when its stdin closes, so a parent killed with SIGKILL never leaves it holding the port and file.
 */
public final class VerisatMongoServer {
  /**
   * MongoDB 4.4, wire version 9: the oldest the MongoDB Node.js driver 7 (Mongoose 9) accepts. The
   * library's own newest constant reports wire 8 and the driver refuses to connect.
   */
  private static final MongoVersion MONGO_4_4 =
      new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
          return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
          return 9;
        }
      };

  private VerisatMongoServer() {}

  public static void main(String[] args) {
    int port = 0;
    boolean memory = false;
    String h2File = null;
    long commitMs = 50;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
          case "--memory" -> memory = true;
          case "--h2-file" -> h2File = value(args, ++i, "--h2-file");
          case "--commit-ms" -> commitMs = Long.parseLong(value(args, ++i, "--commit-ms"));
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (memory == (h2File != null)) {
        throw new IllegalArgumentException("give exactly one of --memory and --h2-file PATH");
      }
      if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0-65535");
      if (commitMs < 0) throw new IllegalArgumentException("--commit-ms must be 0 or more");
    } catch (IllegalArgumentException e) {
      System.err.println("VerisatMongoServer: " + e.getMessage());
      System.err.println(
          "usage: VerisatMongoServer [--port N] (--memory | --h2-file PATH) [--commit-ms 50]");
      System.exit(2);
      return;
    }

    H2Backend h2 = null;
    MongoBackend backend;
    try {
      if (memory) {
        backend = new IndexedBackends.Memory();
      } else {
        h2 = commitMs == 0 ? new CommitBeforeReply(h2File) : new IndexedBackends.H2(h2File);
        backend = h2;
      }
    } catch (RuntimeException e) {
      // Typically the file is locked by a server still running on the same data folder.
      System.err.println("VerisatMongoServer: could not open " + h2File + ": " + e);
      System.exit(1);
      return;
    }
    backend.version(MONGO_4_4);

    MongoServer server = new MongoServer(backend);
    ScheduledExecutorService committer = null;
    if (h2 != null && commitMs > 0) {
      // H2's MVStore commits on its own only about once a second, so a crash (kill -9) lost almost
      // every write acknowledged in that second; committing this often kept all of them (measured).
      committer = Executors.newSingleThreadScheduledExecutor(daemon("h2-commit"));
      H2Backend store = h2;
      committer.scheduleWithFixedDelay(
          () -> {
            try {
              store.commit();
            } catch (RuntimeException e) {
              // Not fatal: the next round (or the store's own auto-commit) tries again; say it.
              System.err.println("VerisatMongoServer: H2 commit failed: " + e);
            }
          },
          commitMs,
          commitMs,
          TimeUnit.MILLISECONDS);
    }

    ScheduledExecutorService stopCommits = committer;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (stopCommits != null) {
                    // Not shutdownNow(): interrupting a thread in file I/O closes H2's file channel.
                    stopCommits.shutdown();
                    try {
                      stopCommits.awaitTermination(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                  // Closes the backend too; H2Backend.close() commits and closes the MVStore.
                  server.shutdown();
                },
                "verisat-shutdown"));

    InetSocketAddress address;
    try {
      server.bind("127.0.0.1", port);
      address = server.getLocalAddress();
    } catch (RuntimeException e) {
      System.err.println("VerisatMongoServer: could not listen on 127.0.0.1:" + port + ": " + e);
      System.exit(1);
      return;
    }

    Thread stdinWatch = new Thread(VerisatMongoServer::exitWhenStdinCloses, "stdin-watch");
    stdinWatch.setDaemon(true);
    stdinWatch.start();

    System.out.println("listening 127.0.0.1:" + address.getPort());
    System.out.flush();
  }

  /**
   * --commit-ms 0: every reply waits until the store is committed, so an acknowledged write survives
   * a crash of this process. Writers that arrive while one commits share the next commit.
   */
  private static final class CommitBeforeReply extends IndexedBackends.H2 {
    private final Object commitLock = new Object();

    CommitBeforeReply(String file) {
      super(file);
    }

    @Override
    public Document handleMessage(MongoMessage message) {
      Document reply = super.handleMessage(message);
      if (getMvStore().hasUnsavedChanges()) {
        synchronized (commitLock) {
          if (getMvStore().hasUnsavedChanges()) commit();
        }
      }
      return reply;
    }
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
    return args[i];
  }

  /** The parent keeps our stdin open for as long as it lives; end of input means it is gone. */
  private static void exitWhenStdinCloses() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // Input is not a command channel; keep reading until the parent goes away.
      }
    } catch (IOException e) {
      System.err.println("VerisatMongoServer: stdin failed (" + e + "), shutting down");
    }
    // Runs the shutdown hook: the same clean stop as SIGTERM.
    System.exit(0);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}

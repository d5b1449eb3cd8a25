package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pending rotations in a local directory ({@code tokenbroker.postgres.pending-dir}), for an instance without Redis:
 * one file per connection, {@code fence|expiry|sealed}, written to a temporary file, fsynced, moved into place and the
 * directory fsynced, so a slot is on disk before the caller is answered and survives a crash of the process (not of
 * the disk: on a read-only root filesystem the directory must be a mounted volume). Used by this instance only.
 */
public final class FileRotationSlots implements RotationSlots {

    private static final String SUFFIX = ".rotation";

    private final Path directory;

    /** @throws StoreUnavailableException when the directory cannot be created */
    public FileRotationSlots(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        } catch (IOException failed) {
            throw new StoreUnavailableException("cannot create the pending-rotation directory " + directory, failed);
        }
    }

    @Override
    public synchronized void hold(ConnectionKey key, Slot slot) {
        if (find(key).filter(held -> held.fence() >= slot.fence()).isPresent()) {
            return;
        }
        String value = slot.text();
        Path target = file(key);
        Path temporary = directory.resolve(target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            move(temporary, target);
            syncDirectory();
        } catch (IOException failed) {
            throw new StoreUnavailableException("cannot write a pending rotation to " + directory, failed);
        }
    }

    @Override
    public synchronized Optional<Slot> find(ConnectionKey key) {
        Path file = file(key);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Slot.parse(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException unreadable) {
            throw new StoreUnavailableException("cannot read the pending rotation of " + key + " in " + directory,
                    unreadable instanceof IOException ? unreadable : null);
        }
    }

    @Override
    public synchronized List<ConnectionKey> held() {
        List<ConnectionKey> held = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String[] ids = name.substring(0, name.length() - SUFFIX.length()).split("@", 2);
                if (ids.length == 2) {
                    held.add(ConnectionKey.of(ids[0], ids[1]));
                }
            }
        } catch (IOException failed) {
            throw new StoreUnavailableException("cannot list the pending rotations in " + directory, failed);
        }
        return held;
    }

    @Override
    public synchronized void release(ConnectionKey key, long fence) {
        if (find(key).filter(held -> held.fence() > fence).isPresent()) {
            return;
        }
        try {
            Files.deleteIfExists(file(key));
            syncDirectory();
        } catch (IOException failed) {
            throw new StoreUnavailableException("cannot remove a pending rotation from " + directory, failed);
        }
    }

    /** Ids are {@code [A-Za-z0-9._-]}: {@code @} cannot occur in them, so the name is unambiguous. */
    private Path file(ConnectionKey key) {
        return directory.resolve(key.tenant().value() + "@" + key.connection().value() + SUFFIX);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException notAtomic) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The rename is durable only once the directory entry is: fsync the directory (a no-op where unsupported). */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // Some filesystems refuse to open a directory for sync; the file itself was fsynced.
        }
    }
}

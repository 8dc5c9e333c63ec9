pub struct ZipWriter;

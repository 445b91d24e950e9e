use proc_macro::TokenStream;
#[proc_macro_derive(X)]
pub fn x(_i: TokenStream) -> TokenStream {
    TokenStream::new()
}
